package topology;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class InstanceTest {

  @Test
  void positionsLagAndUptimeAreNotFacts() {
    Instance a = Fixtures.replica(2, 1).toBuilder().uptimeSeconds(10)
        .selfCoordinates(BinlogCoordinates.binary("mysql-bin.000001", 100))
        .gtid(new GtidState("ON", "", "", false, "0-1-5", "0-1-5", "0-1-5", 0, true)).build();
    Instance b = a.toBuilder().uptimeSeconds(11)
        .selfCoordinates(BinlogCoordinates.binary("mysql-bin.000001", 900))
        .gtid(new GtidState("ON", "", "", false, "0-1-9", "0-1-9", "0-1-9", 0, true)).build();
    assertTrue(a.sameFactsAs(b), "moving positions alone write nothing");
    Instance stopped = b.toBuilder().replication(new ReplicationStatus(Fixtures.key(1), "", "repl",
        ThreadState.RUNNING, ThreadState.STOPPED, 0, "", 0, "", null, 0, null, null, null, false,
        "Slave_Pos", "", "", false, false)).build();
    assertFalse(a.sameFactsAs(stopped), "a stopped SQL thread is a fact");
    assertFalse(a.sameFactsAs(a.toBuilder().readOnly(false).build()), "read_only is a fact");
  }

  @Test
  void keysParseAndRefuseBadInput() {
    assertEquals(new InstanceKey("db1", 3306), InstanceKey.parse("db1", 3306));
    assertEquals(new InstanceKey("127.0.0.1", 10111), InstanceKey.parse("127.0.0.1:10111", 3306));
    assertEquals("Invalid port: abc",
        assertThrows(IllegalArgumentException.class, () -> InstanceKey.of("h", "abc")).getMessage());
    assertEquals("Invalid port: 70000",
        assertThrows(IllegalArgumentException.class, () -> InstanceKey.of("h", "70000")).getMessage());
    assertEquals("Invalid hostname: a b",
        assertThrows(IllegalArgumentException.class, () -> InstanceKey.of("a b", "1")).getMessage());
    assertThrows(IllegalArgumentException.class, () -> InstanceKey.of("", "1"));
  }

  @Test
  void binlogCoordinatesCompareByFileNumberThenPosition() {
    assertTrue(BinlogCoordinates.binary("mysql-bin.000010", 4)
        .compareTo(BinlogCoordinates.binary("mysql-bin.000009", 999)) > 0);
    assertTrue(BinlogCoordinates.binary("mysql-bin.000010", 4)
        .compareTo(BinlogCoordinates.binary("mysql-bin.000010", 5)) < 0);
  }

  @Test
  void flavorAndThreadState() {
    assertEquals(Flavor.MARIADB, Flavor.detect("10.11.19-MariaDB-0+deb12u1-log", "Debian 12"));
    assertEquals(Flavor.MYSQL, Flavor.detect("8.4.2", "MySQL Community Server - GPL"));
    assertEquals(Flavor.PERCONA, Flavor.detect("8.0.36-28", "Percona Server (GPL), Release 28"));
    assertEquals(ThreadState.OTHER, ThreadState.fromStatus("Connecting"));
    assertEquals(ThreadState.RUNNING, ThreadState.fromStatus("Yes"));
    assertEquals(ThreadState.STOPPED, ThreadState.fromStatus("No"));
  }
}
