package orcha;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/** Reads one section of a MySQL-style ini file (e.g. [client] user= password=). */
final class IniFile {

  private IniFile() {}

  static Map<String, String> section(Path file, String section, String what) {
    Settings.requireReadable(file, what);
    Map<String, String> out = new LinkedHashMap<>();
    String current = "";
    try {
      for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
        String l = line.trim();
        if (l.isEmpty() || l.startsWith("#") || l.startsWith(";")) {
          continue;
        }
        if (l.startsWith("[") && l.endsWith("]")) {
          current = l.substring(1, l.length() - 1).trim().toLowerCase(Locale.ROOT);
          continue;
        }
        int eq = l.indexOf('=');
        if (current.equals(section) && eq > 0) {
          String v = l.substring(eq + 1).trim();
          if (v.length() >= 2 && (v.startsWith("\"") && v.endsWith("\"")
              || v.startsWith("'") && v.endsWith("'"))) {
            v = v.substring(1, v.length() - 1);
          }
          out.put(l.substring(0, eq).trim().toLowerCase(Locale.ROOT), v);
        }
      }
    } catch (IOException e) {
      throw new IllegalArgumentException(what + ": cannot read file " + file + ": " + e.getMessage());
    }
    return out;
  }
}
