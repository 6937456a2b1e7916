package hooks;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/** Kills a process and everything it started. */
final class ProcessTrees {

  private static final int ROUNDS = 10;
  private static final long ROUND_WAIT_MILLIS = 20;

  private ProcessTrees() {}

  /**
   * SIGKILLs {@code process} and its descendants. The tree is read while its root still lives
   * (orphans are re-parented and could no longer be found), and read again for a few rounds,
   * from every process seen so far, to catch children forked while the kill was under way.
   */
  static void destroy(Process process) {
    Set<ProcessHandle> known = new LinkedHashSet<>();
    known.add(process.toHandle());
    Set<Long> killed = new HashSet<>();
    for (int round = 0; round < ROUNDS; round++) {
      List<ProcessHandle> tree = new ArrayList<>();
      for (ProcessHandle h : List.copyOf(known)) {
        if (h.isAlive()) {
          tree.add(h);
          h.descendants().forEach(tree::add);
        }
      }
      boolean fresh = false;
      for (ProcessHandle h : tree) {
        known.add(h);
        if (killed.add(h.pid())) {
          fresh = true;
        }
        h.destroyForcibly();
      }
      if (!fresh) {
        return;
      }
      try {
        process.waitFor(ROUND_WAIT_MILLIS, TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }
}
