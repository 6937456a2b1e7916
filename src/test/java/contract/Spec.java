package contract;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The field names and JSON types a contract object must have, written the way the contract
 * lists them: {@code "Key:key ReadOnly:b Binlog_format:s ..."}. Types: {@code s} string,
 * {@code b} boolean, {@code n} integral number, {@code key} KEY, {@code coord} COORD,
 * {@code nullint} NULLINT, {@code keylist} array of KEY, {@code strings} array of strings,
 * {@code obj} any object, {@code ts} a {@code YYYY-MM-DD hh:mm:ss} time or "", {@code rfc3339} an
 * RFC 3339 time, another spec's name (nested object), {@code Name[]} an array of it;
 * a trailing {@code ?} also allows null. Extra fields are allowed (orcha adds a few).
 */
final class Spec {

  private static final Map<String, Spec> BY_NAME = new LinkedHashMap<>();

  final String name;
  private final Map<String, String> fields = new LinkedHashMap<>();

  private Spec(String name, String fieldList) {
    this.name = name;
    for (String f : fieldList.trim().split("\\s+")) {
      int colon = f.lastIndexOf(':');
      if (colon <= 0) {
        throw new IllegalArgumentException(name + ": field without a type: " + f);
      }
      if (fields.put(f.substring(0, colon), f.substring(colon + 1)) != null) {
        throw new IllegalArgumentException(name + ": field listed twice: " + f);
      }
    }
  }

  /** Defines (and registers, so other specs can nest it) a spec. */
  static Spec of(String name, String fieldList) {
    Spec s = new Spec(name, fieldList);
    BY_NAME.put(name, s);
    return s;
  }

  List<String> fieldNames() {
    return List.copyOf(fields.keySet());
  }

  /** What is wrong with {@code node} as one of these; empty when nothing is. */
  List<String> problems(JsonNode node, String where) {
    List<String> out = new ArrayList<>();
    if (node == null || !node.isObject()) {
      out.add(where + ": expected a " + name + " object, got " + describe(node));
      return out;
    }
    fields.forEach((field, type) -> {
      JsonNode v = node.get(field);
      if (v == null) {
        out.add(where + "." + field + ": missing (" + name + ")");
      } else {
        out.addAll(typeProblems(v, type, where + "." + field));
      }
    });
    return out;
  }

  static List<String> typeProblems(JsonNode v, String type, String where) {
    if (type.endsWith("?")) {
      return v.isNull() ? List.of() : typeProblems(v, type.substring(0, type.length() - 1), where);
    }
    if (type.endsWith("[]")) {
      if (!v.isArray()) {
        return List.of(where + ": expected an array, got " + describe(v));
      }
      List<String> out = new ArrayList<>();
      String element = type.substring(0, type.length() - 2);
      for (int i = 0; i < v.size(); i++) {
        out.addAll(typeProblems(v.get(i), element, where + "[" + i + "]"));
      }
      return out;
    }
    boolean ok = switch (type) {
      case "s" -> v.isTextual();
      case "b" -> v.isBoolean();
      case "n" -> v.isIntegralNumber();
      case "obj" -> v.isObject();
      case "strings" -> v.isArray() && allMatch(v, JsonNode::isTextual);
      case "keylist" -> v.isArray();
      case "ts" -> v.isTextual() && (v.asText().isEmpty() || TS.matcher(v.asText()).matches());
      case "rfc3339" -> v.isTextual() && isRfc3339(v.asText());
      default -> true;
    };
    if (!ok) {
      return List.of(where + ": expected " + type + ", got " + describe(v));
    }
    return switch (type) {
      case "s", "b", "n", "obj", "strings", "ts", "rfc3339" -> List.of();
      case "keylist" -> typeProblems(v, "key[]", where);
      default -> {
        Spec nested = BY_NAME.get(type);
        if (nested == null) {
          throw new IllegalArgumentException("unknown type " + type + " at " + where);
        }
        yield nested.problems(v, where);
      }
    };
  }

  private static final java.util.regex.Pattern TS =
      java.util.regex.Pattern.compile("\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d");

  private static boolean isRfc3339(String s) {
    try {
      java.time.OffsetDateTime.parse(s);
      return true;
    } catch (java.time.format.DateTimeParseException e) {
      return false;
    }
  }

  private static boolean allMatch(JsonNode array, java.util.function.Predicate<JsonNode> p) {
    for (JsonNode e : array) {
      if (!p.test(e)) {
        return false;
      }
    }
    return true;
  }

  static String describe(JsonNode v) {
    if (v == null || v.isMissingNode()) {
      return "nothing";
    }
    String text = v.toString();
    return v.getNodeType().name().toLowerCase() + " "
        + (text.length() > 120 ? text.substring(0, 120) + "…" : text);
  }
}
