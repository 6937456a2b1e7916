package topology;

import java.util.Locale;

/** Server flavour as orchestrator names it in {@code FlavorName}. */
public enum Flavor {
  MYSQL("MySQL"),
  MARIADB("MariaDB"),
  PERCONA("Percona"),
  UNKNOWN("unknown");

  private final String apiName;

  Flavor(String apiName) {
    this.apiName = apiName;
  }

  public String apiName() {
    return apiName;
  }

  /** From {@code @@version} and {@code @@version_comment}. */
  public static Flavor detect(String version, String versionComment) {
    String v = version == null ? "" : version.toLowerCase(Locale.ROOT);
    String c = versionComment == null ? "" : versionComment.toLowerCase(Locale.ROOT);
    if (v.contains("mariadb") || c.contains("mariadb")) {
      return MARIADB;
    }
    if (c.contains("percona") || v.contains("percona")) {
      return PERCONA;
    }
    if (v.isEmpty()) {
      return UNKNOWN;
    }
    return MYSQL;
  }

  public boolean isMariaDb() {
    return this == MARIADB;
  }
}
