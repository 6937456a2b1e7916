package orcha;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigParseOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Composes orcha's configuration from its sources, in precedence order: system properties,
 * the files given at start and on reload (orchestrator JSON or HOCON, later ones win), the
 * application.conf (or -Dconfig.file), Pekko's reference.conf. Resolved once; validated into
 * {@link Settings}. The same sources are re-read by reload-configuration.
 */
public final class ConfigLoader {

  /** A resolved configuration, its settings, and the notices about ignored keys. */
  public record Loaded(Config config, Settings settings, List<String> notices) {}

  private final List<Path> startFiles;
  private final Config overrides;
  /** Notices already logged: each ignored key is reported once, not on every reload. */
  private final java.util.Set<String> reported = java.util.concurrent.ConcurrentHashMap.newKeySet();

  /**
   * @param startFiles files given with --config at start, in order
   * @param overrides values that win over every file (tests; e.g. a port 0)
   */
  public ConfigLoader(List<Path> startFiles, Config overrides) {
    this.startFiles = List.copyOf(startFiles);
    this.overrides = overrides;
  }

  public List<Path> startFiles() {
    return startFiles;
  }

  /**
   * The notices of {@code loaded} not returned before by this loader: at start all of them, at a
   * reload only those about keys of a file not seen before (e.g. reload-configuration?config=).
   */
  public List<String> unreported(Loaded loaded) {
    return loaded.notices().stream().filter(reported::add).toList();
  }

  /** Loads the start files. */
  public Loaded load() {
    return load(List.of());
  }

  /**
   * Loads the start files, then {@code extraFiles} on top (a missing extra file is ignored, as
   * orchestrator's reload does; a missing start file is an error).
   */
  public Loaded load(List<Path> extraFiles) {
    List<String> notices = new ArrayList<>();
    Config files = ConfigFactory.empty();
    for (Path p : startFiles) {
      if (!Files.isRegularFile(p)) {
        throw new IllegalArgumentException("configuration file " + p + " does not exist");
      }
      files = readFile(p, notices).withFallback(files);
    }
    for (Path p : extraFiles) {
      if (Files.isRegularFile(p)) {
        files = readFile(p, notices).withFallback(files);
      }
    }
    Config app = ConfigFactory.defaultApplication();
    Config unresolved = ConfigFactory.defaultOverrides()
        .withFallback(overrides)
        .withFallback(files)
        .withFallback(app)
        .withFallback(ConfigFactory.defaultReference());
    Config resolved = unresolved.resolve();
    Settings settings = Settings.from(resolved);
    notices.addAll(settings.notices());
    // Pekko settings derived from orcha's: merged before the fallbacks, resolved once more
    Config full = ConfigFactory.defaultOverrides()
        .withFallback(overrides)
        .withFallback(PekkoOverlay.forSettings(settings))
        .withFallback(files)
        .withFallback(app)
        .withFallback(ConfigFactory.defaultReference())
        .resolve();
    return new Loaded(full, settings, List.copyOf(notices));
  }

  private static Config readFile(Path p, List<String> notices) {
    if (p.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".json")) {
      OrchestratorConfigImport.Imported imported = OrchestratorConfigImport.read(p);
      notices.addAll(imported.notices());
      return imported.config();
    }
    try {
      return ConfigFactory.parseFile(p.toFile(), ConfigParseOptions.defaults().setAllowMissing(false));
    } catch (com.typesafe.config.ConfigException e) {
      throw new IllegalArgumentException("cannot read configuration file " + p + ": " + e.getMessage());
    }
  }
}
