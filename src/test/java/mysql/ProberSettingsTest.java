package mysql;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class ProberSettingsTest {

  @Test
  void defaults() {
    ProberSettings s = ProberSettings.builder("orcha", "secret").build();
    assertEquals(Duration.ofSeconds(2), s.connectTimeout());
    assertEquals(Duration.ofSeconds(3), s.queryTimeout());
    assertEquals(Duration.ofSeconds(6), s.probeTimeout());
    assertTrue(s.discoverByShowSlaveHosts());
    assertEquals(Map.of(), s.queries());
    assertEquals(ServerTls.PREFERRED, s.tls());
  }

  @Test
  void queriesAreTrimmedOfSemicolonsAndBlankOnesDropped() {
    ProberSettings s = ProberSettings.builder("orcha", "")
        .query(CustomQuery.CLUSTER_ALIAS, "  select 'a' ;; ")
        .query(CustomQuery.REGION, "   ")
        .build();
    assertEquals("select 'a'", s.query(CustomQuery.CLUSTER_ALIAS));
    assertNull(s.query(CustomQuery.REGION));
    assertEquals("select 1", s.withQuery(CustomQuery.REGION, "select 1;").query(CustomQuery.REGION));
  }

  @Test
  void validationNamesTheSetting() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> ProberSettings.builder(" ", "x").build());
    assertEquals("MySQLTopologyUser must not be empty", e.getMessage());
    e = assertThrows(IllegalArgumentException.class,
        () -> ProberSettings.builder("u", "x").connectTimeout(Duration.ZERO).build());
    assertTrue(e.getMessage().startsWith("MySQLConnectTimeoutSeconds must be > 0"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class,
        () -> ProberSettings.builder("u", "x").hostPattern(CustomQuery.DATA_CENTER, "(unclosed"));
    assertTrue(e.getMessage().startsWith("DataCenterPattern is not a valid regular expression"),
        e.getMessage());
    e = assertThrows(IllegalArgumentException.class,
        () -> ProberSettings.builder("u", "x").hostPattern(CustomQuery.REGION, "no-group").build());
    assertEquals("RegionPattern must have one capturing group, got: no-group", e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> new ProberSettings("u", "x",
        Duration.ofSeconds(1), Duration.ofSeconds(1), Duration.ofSeconds(1), true, Map.of(),
        Map.of(CustomQuery.CLUSTER_ALIAS, Pattern.compile("(x)")), null));
    assertEquals("DetectClusterAliasQuery has no host-name pattern alternative", e.getMessage());
  }

  @Test
  void passwordIsNotPrinted() {
    ProberSettings s = ProberSettings.builder("orcha", "hunter2").build();
    assertFalse(s.toString().contains("hunter2"), s.toString());
    assertTrue(s.toString().contains("user=orcha"));
  }
}
