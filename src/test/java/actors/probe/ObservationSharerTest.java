package actors.probe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.serialization.Serialization;
import org.apache.pekko.serialization.SerializationExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import topology.BinlogCoordinates;
import topology.Flavor;
import topology.Instance;
import topology.InstanceKey;
import topology.ProbeFailure;
import topology.ProbeResult;
import topology.ReplicationStatus;
import topology.ThreadState;

/**
 * What nodes send each other with shared probing: a chunk of observations survives the real
 * cluster serializer (CBOR) unchanged, and the sharer's chunks stay well inside one Artery
 * frame (256 KiB by default) however large the servers' observations.
 */
class ObservationSharerTest {

  static final ActorTestKit testKit = ActorTestKit.create(ConfigFactory.parseString(
      "pekko.actor.provider = local").withFallback(ConfigFactory.load()));
  static final Instant AT = Instant.parse("2026-11-26T10:00:00.123456Z");

  @AfterAll
  static void shutdown() {
    testKit.shutdownTestKit();
  }

  /** A replica with 100 replicas of its own and long error texts: a large observation. */
  static Instance large(int i) {
    List<InstanceKey> replicas = new ArrayList<>();
    for (int r = 0; r < 100; r++) {
      replicas.add(new InstanceKey("replica-" + r + ".db.example.internal", 3306));
    }
    String error = "error reconnecting to master 'repl@master-" + i + ".db.example.internal:3306'"
        + " - retry-time: 60 maximum-retries: 86400 message: Can't connect to MySQL server";
    return Instance.builder(new InstanceKey("server-" + i + ".db.example.internal", 3306))
        .serverId(i).version("10.11.19-MariaDB-log").flavor(Flavor.MARIADB).readOnly(true)
        .replicas(replicas).replication(new ReplicationStatus(
            new InstanceKey("master-" + i + ".db.example.internal", 3306), "", "repl",
            ThreadState.OTHER, ThreadState.RUNNING, 2003, error, 0, "", 12L, 0,
            BinlogCoordinates.binary("mysql-bin.000123", 123456789),
            BinlogCoordinates.binary("mysql-bin.000123", 123456789),
            BinlogCoordinates.relay("relay-bin.000002", 4), false, "Slave_Pos", "0-1-123456",
            "0-1-123456", false, false)).build();
  }

  static Instance plain(int i) {
    return Instance.builder(new InstanceKey("127.79." + i / 250 + "." + i % 250, 11301))
        .serverId(i).version("10.11.19-MariaDB-sim-log").flavor(Flavor.MARIADB).build();
  }

  static byte[] serialized(Object o) {
    return SerializationExtension.get(testKit.system().classicSystem()).serialize(o).get();
  }

  @Test
  void observationsAreSentInChunksWellInsideOneFrame() {
    List<ProbeObservation> obs = new ArrayList<>();
    for (int i = 0; i < 600; i++) {
      Instance server = i % 3 == 0 ? large(i) : plain(i);
      obs.add(ProbeObservation.of(new ProbeResult.Reached(server, Duration.ofMillis(3)), AT));
    }
    List<List<ProbeObservation>> chunks = ObservationSharer.chunks(obs);
    assertEquals(obs, chunks.stream().flatMap(List::stream).toList(), "all, in order, once");
    int largest = 0;
    for (List<ProbeObservation> c : chunks) {
      largest = Math.max(largest, serialized(new ObservationSharer.Shared("n:1", c)).length);
    }
    System.out.printf("shared probing: 600 observations in %d messages, the largest %d bytes;"
        + " one plain %d bytes, one large %d bytes in CBOR%n", chunks.size(), largest,
        serialized(obs.get(1)).length, serialized(obs.get(0)).length);
    assertTrue(largest <= ObservationSharer.CHUNK_BYTES, "largest message " + largest
        + " bytes: the estimate must be an upper bound");
    assertTrue(chunks.size() < 600 / 5, chunks.size() + " messages: chunks are not tiny");
  }

  @Test
  void aChunkRoundTripsThroughTheClusterSerializer() throws Exception {
    List<ProbeObservation> obs = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      obs.add(ProbeObservation.of(new ProbeResult.Reached(large(i), Duration.ofMillis(3)), AT));
    }
    InstanceKey down = new InstanceKey("127.79.1.1", 11301);
    obs.add(ProbeObservation.of(new ProbeResult.Failed(down, new ProbeFailure(
        ProbeFailure.Reason.CONNECTION_REFUSED, "refused"), true, Duration.ofMillis(1)), AT));
    ObservationSharer.Shared sent = new ObservationSharer.Shared("127.0.0.1:11321", obs);

    Serialization s = SerializationExtension.get(testKit.system().classicSystem());
    byte[] bytes = s.serialize(sent).get();
    var serializer = s.findSerializerFor(sent);
    Object back = s.deserialize(bytes, serializer.identifier(),
        org.apache.pekko.serialization.Serializers.manifestFor(serializer, sent)).get();
    assertEquals(sent, back);
    ObservationSharer.Shared got = (ObservationSharer.Shared) back;
    assertEquals(obs.get(0).result(), got.observations().get(0).result());
    assertEquals(obs.get(obs.size() - 1).result(), got.observations().get(obs.size() - 1).result());
  }
}
