package backend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AuditStoreTest {

  @TempDir
  Path tmp;

  @Test
  void appendsAndPagesNewestFirstPerServer() {
    BackendSettings s = BackendSettings.sqlite(tmp.resolve("audit.db"));
    Schema.ensure(s);
    AuditStore audit = new AuditStore(s);
    Instant t = Instant.parse("2026-11-25T12:00:00Z");
    for (int i = 0; i < 25; i++) {
      audit.append(t.plusSeconds(i), "relocate", "127.0.0.1", 10111 + i % 2, "c1", "ops",
          "step " + i);
    }
    List<AuditStore.Entry> first = audit.page(null, 0, 0, 20);
    assertEquals(20, first.size());
    assertEquals("step 24", first.get(0).message());
    assertEquals(5, audit.page(null, 0, 1, 20).size());
    List<AuditStore.Entry> one = audit.page("127.0.0.1", 10112, 0, 20);
    assertEquals(12, one.size());
    assertTrue(one.stream().allMatch(e -> e.port() == 10112 && e.user().equals("ops")));
    assertEquals(t.plusSeconds(23), one.get(0).at());
  }

  @Test
  void aBrokenBackendIsAClearError() {
    BackendSettings s = BackendSettings.sqlite(tmp.resolve("no/such/dir/audit.db"));
    BackendUnavailableException e = assertThrows(BackendUnavailableException.class,
        () -> new AuditStore(s).append(Instant.EPOCH, "t", "h", 1, "", "", "m"));
    assertTrue(e.getMessage().contains("writing the audit log"), e.getMessage());
  }
}
