package http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

class RouteTableTest {

  private static final ApiHandler NOOP = req -> CompletableFuture.completedFuture(null);

  private final RouteTable table = new RouteTable()
      .add("cluster/:clusterHint", NOOP)
      .add("cluster/alias/:clusterAlias", NOOP)
      .add("cluster/instance/:host/:port", NOOP)
      .add("downtimed", NOOP)
      .add("downtimed/:clusterHint", NOOP)
      .add("topology/:clusterHint", NOOP)
      .add("stop-replica/:host/:port", NOOP)
      .add("relocate-replicas/:host/:port/:belowHost/:belowPort", NOOP)
      .add("instance/:host/:port", NOOP);

  private String match(String path) {
    return table.match(Arrays.asList(path.split("/", -1)))
        .map(m -> m.pattern() + " " + m.params()).orElse("none");
  }

  @Test
  void literalSegmentsWinOverParameters() {
    assertEquals("cluster/alias/:clusterAlias {clusterAlias=ci}", match("cluster/alias/ci"));
    assertEquals("cluster/:clusterHint {clusterHint=alias}", match("cluster/alias"));
    assertEquals("cluster/:clusterHint {clusterHint=127.0.0.1:10111}",
        match("cluster/127.0.0.1:10111"));
  }

  @Test
  void trailingSlashIsAccepted() {
    assertEquals("downtimed {}", match("downtimed/"));
    assertEquals("instance/:host/:port {host=h, port=1}", match("instance/h/1/"));
  }

  @Test
  void trailingEmptySegmentFillsTheLastParameterOnlyWhenNothingElseMatches() {
    assertEquals("topology/:clusterHint {clusterHint=}", match("topology/"));
    // the router answers it with "Invalid port: " rather than a bare 404
    assertEquals("instance/:host/:port {host=h, port=}", match("instance/h/"));
    assertEquals("none", match("instance//1"));
  }

  @Test
  void valuesAreTrimmed() {
    assertEquals("instance/:host/:port {host=h, port=1}", match("instance/h/1\n"));
    assertEquals("topology/:clusterHint {clusterHint=ci}", match("topology/ ci\n"));
  }

  @Test
  void legacySlaveNamesAreServedAsReplicaRoutes() {
    assertEquals("stop-replica/:host/:port {host=h, port=1}", match("stop-slave/h/1"));
    assertEquals("relocate-replicas/:host/:port/:belowHost/:belowPort "
        + "{host=a, port=1, belowHost=b, belowPort=2}", match("relocate-slaves/a/1/b/2"));
    assertEquals("none", match("stop-slaves/h/1"));
    assertEquals("start-replica", RouteTable.LEGACY_SYNONYMS.get("start-slave"));
    assertEquals("take-siblings", RouteTable.LEGACY_SYNONYMS.get("enslave-siblings"));
    assertEquals(23, RouteTable.LEGACY_SYNONYMS.size());
  }

  @Test
  void unknownPathsDoNotMatch() {
    assertEquals("none", match("nope"));
    assertEquals("none", match("instance/h/1/extra"));
    assertTrue(table.match(List.of()).isEmpty());
  }

  @Test
  void duplicateOrMalformedPatternsAreRefused() {
    assertThrows(IllegalArgumentException.class, () -> table.add("cluster/:other", NOOP));
    assertThrows(IllegalArgumentException.class, () -> table.add("a//b", NOOP));
    assertThrows(IllegalArgumentException.class, () -> table.add("a/", NOOP));
  }
}
