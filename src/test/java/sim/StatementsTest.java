package sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The simulator's SQL model without the wire: batches, failover statements, refusals, time. */
class StatementsTest {

  private final AtomicLong now = new AtomicLong(1_000_000);
  private final Fleet fleet = new Fleet(now::get);
  private final Statements st = new Statements(fleet);
  private final SimServer m = fleet.addMaster("127.0.0.10", 3306, 1);
  private final SimServer r = fleet.addReplica("127.0.0.11", 3306, 2, m);

  @Test
  void batchesSplitOnlyAtSemicolonsOutsideQuotes() {
    assertEquals(List.of("SHOW SLAVE STATUS", "SELECT 'a;b' AS x", "SELECT `c;d`"),
        FleetSimulator.split("SHOW SLAVE STATUS; SELECT 'a;b' AS x;SELECT `c;d`;"));
    assertEquals(List.of("SELECT 'it\\'s;'"), FleetSimulator.split("SELECT 'it\\'s;'"));
  }

  @Test
  void positionsFollowTheClockAndFreezeWhenReplicationStops() {
    assertEquals("0-1-0", m.gtidText(now.get()));
    now.addAndGet(10_000);
    assertEquals("0-1-" + 10 * Fleet.TRX_PER_SECOND, m.gtidText(now.get()));
    assertEquals(m.gtidText(now.get()), r.gtidText(now.get()), "a replica without lag is level");
    assertInstanceOf(Statements.Ok.class, st.answer(r, "STOP SLAVE"));
    String stopped = r.gtidText(now.get());
    now.addAndGet(10_000);
    assertEquals(stopped, r.gtidText(now.get()));
    assertInstanceOf(Statements.Ok.class, st.answer(r, "START SLAVE"));
    assertEquals(m.gtidText(now.get()), r.gtidText(now.get()), "caught up once started");
  }

  @Test
  void changeMasterNeedsStoppedThreadsAndReadsItsOptions() {
    Statements.Err running = assertInstanceOf(Statements.Err.class,
        st.answer(r, "CHANGE MASTER TO MASTER_HOST='127.0.0.12'"));
    assertEquals(1198, running.code());
    st.answer(r, "STOP SLAVE");
    Statements.Err badPort = assertInstanceOf(Statements.Err.class,
        st.answer(r, "CHANGE MASTER TO MASTER_PORT=abc"));
    assertTrue(badPort.message().contains("abc"), badPort.message());
    assertInstanceOf(Statements.Ok.class, st.answer(r, "change master to master_host = '127.0.0.12',"
        + " MASTER_PORT = 3307, MASTER_PASSWORD='p;w', master_use_gtid = current_pos"));
    assertEquals("127.0.0.12:3307", fleet.masterOf(r));
    assertEquals("Current_Pos", r.useGtid);
    st.answer(r, "START SLAVE");
    var row = r.replicaStatus(now.get());
    assertEquals("Connecting", row.get("Slave_IO_Running"), "no such simulated server");
    assertEquals("2003", row.get("Last_IO_Errno"));
  }

  @Test
  void promotionStatements() {
    assertInstanceOf(Statements.Err.class, st.answer(r, "RESET SLAVE ALL"));
    st.answer(r, "STOP SLAVE");
    st.answer(r, "RESET SLAVE ALL");
    st.answer(r, "SET GLOBAL read_only = OFF");
    assertEquals("", fleet.masterOf(r));
    assertEquals(false, fleet.readOnly(r));
    st.answer(m, "SET @@GLOBAL.read_only=1");
    assertEquals(true, fleet.readOnly(m));
    assertEquals(List.of(), fleet.connectedReplicas(m));
    assertInstanceOf(Statements.Err.class, st.answer(r, "START SLAVE"), "no channel any more");
    assertTrue(st.unknown.isEmpty(), st.unknown.toString());
    st.answer(r, "FLUSH BINARY LOGS");
    assertEquals(java.util.Set.of("FLUSH BINARY LOGS"), st.unknown);
  }
}
