package hooks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HookRunnerTest {

  private static final Duration DEADLINE = Duration.ofSeconds(15);

  @TempDir
  Path dir;
  /** The runners' temp dir: every test checks it is empty afterwards (scripts removed). */
  private Path scripts;

  @BeforeEach
  void setUp() throws IOException {
    scripts = Files.createDirectory(dir.resolve("scripts"));
  }

  private HookRunner runner(Duration timeout) {
    return new HookRunner("bash", timeout, HookRunner.DEFAULT_OUTPUT_LIMIT_BYTES, scripts);
  }

  private HookRunner runner() {
    return runner(Duration.ofSeconds(30));
  }

  private static HookEvent.Builder event() {
    return HookEvent.builder().failureType("DeadMaster").instanceType("master").isMaster(true)
        .failureDescription("Master cannot be reached by orchestrator and none of its replicas"
            + " is replicating")
        .failed("db1", 3306).failureCluster("db1:3306").failureClusterAlias("main")
        .failureClusterDomain("example.com").countReplicas(2).orchestratorHost("orcha-1")
        .recoveryUID("uid-1").lostReplicas(List.of("r1:3306", "r2:3306"))
        .replicaHosts(List.of("r1:3306", "r2:3306", "r3:3306"));
  }

  private static HookEvent.Successor successor() {
    return new HookEvent.Successor("db2", 3307, Optional.of("mysql-bin.000007:1234"), "db2-alias");
  }

  private void assertScriptsRemoved() throws IOException {
    try (Stream<Path> s = Files.list(scripts)) {
      assertEquals(List.of(), s.toList(), "hook scripts left behind");
    }
  }

  @Test
  void exitZeroSucceeds() throws Exception {
    HookRunResult r = runner().run(Hook.PRE_FAILOVER, List.of("  exit 0  "), event().build());

    assertFalse(r.failed());
    assertFalse(r.stopped());
    CommandOutcome o = r.outcomes().get(0);
    assertEquals(CommandOutcome.Status.SUCCEEDED, o.status());
    assertEquals(OptionalInt.of(0), o.exitCode());
    assertEquals(Optional.empty(), o.failureReason());
    assertEquals(4, r.audit().size(), r.audit().toString());
    assertEquals("Running 1 PreFailoverProcesses hooks", r.audit().get(0));
    assertEquals("Running PreFailoverProcesses hook 1 of 1: exit 0", r.audit().get(1));
    assertTrue(r.audit().get(2).matches("Completed PreFailoverProcesses hook 1 of 1 in [0-9.]+(ms|s|µs)"),
        r.audit().get(2));
    assertEquals("done running PreFailoverProcesses hooks", r.audit().get(3));
    assertScriptsRemoved();
  }

  @Test
  void exitThreeFailsWithItsOutput() throws Exception {
    HookRunResult r = runner().run(Hook.PRE_FAILOVER, List.of("echo boom >&2; exit 3"),
        event().build());

    assertTrue(r.failed());
    CommandOutcome o = r.firstFailure().orElseThrow();
    assertEquals(CommandOutcome.Status.FAILED, o.status());
    assertEquals(OptionalInt.of(3), o.exitCode());
    assertEquals(Optional.of("exit status 3"), o.failureReason());
    assertEquals("boom\n", o.outputTail());
    String line = r.audit().get(2);
    assertTrue(line.startsWith("Execution of PreFailoverProcesses hook 1 of 1 failed in "), line);
    assertTrue(line.endsWith(" with error: (exit status 3) boom"), line);
    assertScriptsRemoved();
  }

  @Test
  void timeoutKillsTheWholeProcessTree() throws Exception {
    Path shellPid = dir.resolve("shell.pid");
    Path childPid = dir.resolve("child.pid");
    String cmd = "echo $$ > " + shellPid + "; sleep 30 & echo $! > " + childPid + "; wait";
    long start = System.nanoTime();

    HookRunResult r = runner(Duration.ofSeconds(2)).run(Hook.PRE_FAILOVER, List.of(cmd),
        event().build());

    Duration took = Duration.ofNanos(System.nanoTime() - start);
    assertTrue(took.compareTo(Duration.ofSeconds(12)) < 0, "took " + took);
    CommandOutcome o = r.outcomes().get(0);
    assertEquals(CommandOutcome.Status.TIMED_OUT, o.status());
    assertEquals(OptionalInt.empty(), o.exitCode());
    assertEquals(Optional.of("timed out after 2s; process tree killed"), o.failureReason());
    assertTrue(r.failed());
    long shell = Long.parseLong(Files.readString(shellPid).strip());
    long child = Long.parseLong(Files.readString(childPid).strip());
    awaitTrue(() -> isGone(shell), "the shell " + shell + " is gone");
    awaitTrue(() -> isGone(child), "the child sleep " + child + " is gone");
    assertScriptsRemoved();
  }

  @Test
  void asyncCommandDoesNotBlock() throws Exception {
    Path gate = dir.resolve("gate");
    Path out = dir.resolve("async.out");
    String async = "while [ ! -e " + gate + " ]; do sleep 0.05; done; echo done > " + out + " &";

    HookRunResult r = assertTimeoutPreemptively(Duration.ofSeconds(10),
        () -> runner().run(Hook.POST_FAILOVER, List.of(async, "echo sync"), event().build()));

    // The async command cannot have finished: it waits for the gate, opened only now.
    assertFalse(Files.exists(out));
    CommandOutcome first = r.outcomes().get(0);
    assertTrue(first.async());
    assertEquals(CommandOutcome.Status.RUNNING, first.status());
    assertEquals(CommandOutcome.Status.SUCCEEDED, r.outcomes().get(1).status());
    assertFalse(r.asyncCompletion().isDone());
    assertEquals("Running PostFailoverProcesses hook 1 of 2 (async): while [ ! -e " + gate
        + " ]; do sleep 0.05; done; echo done > " + out, r.audit().get(1));

    Files.createFile(gate);
    awaitTrue(() -> Files.exists(out), "the async command wrote its file");
    List<CommandOutcome> finals = r.asyncCompletion().get(DEADLINE.toSeconds(), TimeUnit.SECONDS);
    assertEquals(1, finals.size());
    assertEquals(CommandOutcome.Status.SUCCEEDED, finals.get(0).status());
    assertTrue(finals.get(0).auditLine()
        .startsWith("Completed PostFailoverProcesses hook 1 of 2 (async) in "));
    assertEquals("done\n", Files.readString(out));
    assertScriptsRemoved();
  }

  @Test
  void asyncFailureDoesNotFailTheList() throws Exception {
    HookRunResult r = runner().run(Hook.PRE_FAILOVER, List.of("exit 7 &", "exit 0"),
        event().build());

    assertFalse(r.failed());
    assertFalse(r.stopped());
    CommandOutcome done = r.asyncCompletion().get(DEADLINE.toSeconds(), TimeUnit.SECONDS).get(0);
    assertEquals(CommandOutcome.Status.FAILED, done.status());
    assertEquals(OptionalInt.of(7), done.exitCode());
    assertScriptsRemoved();
  }

  @Test
  void stopOnFailureSkipsTheRemainingHooks() throws Exception {
    Path next = dir.resolve("next-ran");

    HookRunResult r = runner().run(Hook.PRE_FAILOVER, List.of("exit 1", "touch " + next),
        event().build());

    assertTrue(r.failed());
    assertTrue(r.stopped());
    assertEquals(1, r.outcomes().size());
    assertFalse(Files.exists(next));
    assertEquals("Not running further PreFailoverProcesses hooks",
        r.audit().get(r.audit().size() - 1));
    assertFalse(r.audit().contains("done running PreFailoverProcesses hooks"));
    assertScriptsRemoved();
  }

  @Test
  void postListsRunEveryHookDespiteFailures() throws Exception {
    Path next = dir.resolve("next-ran");

    HookRunResult r = runner().run(Hook.POST_FAILOVER, List.of("exit 1", "touch " + next),
        event().build());

    assertTrue(r.failed());
    assertFalse(r.stopped());
    assertEquals(2, r.outcomes().size());
    assertTrue(Files.exists(next));
    assertEquals("done running PostFailoverProcesses hooks", r.audit().get(r.audit().size() - 1));
  }

  private static final String PRINT_ENV = "printf '%s|%s|%s|%s|%s|%s' \"$ORC_FAILED_HOST\""
      + " \"$ORC_FAILED_PORT\" \"$ORC_IS_MASTER\" \"$ORC_LOST_REPLICAS\""
      + " \"${ORC_SUCCESSOR_HOST-unset}\" \"${ORC_SUCCESSOR_BINLOG_COORDINATES-unset}\"";

  @Test
  void environmentIsVisibleToTheScript() throws Exception {
    HookRunResult r = runner().run(Hook.POST_FAILOVER, List.of(PRINT_ENV), event().build());

    assertEquals("db1|3306|true|r1:3306,r2:3306|unset|unset", r.outcomes().get(0).outputTail());
  }

  @Test
  void successorVariablesExistOnlyWithASuccessor() throws Exception {
    HookRunResult r = runner().run(Hook.POST_FAILOVER, List.of(PRINT_ENV),
        event().successor(successor()).build());

    assertEquals("db1|3306|true|r1:3306,r2:3306|db2|mysql-bin.000007:1234",
        r.outcomes().get(0).outputTail());
  }

  @Test
  void hostileValuesInTheEnvironmentStayData() throws Exception {
    Path marker = dir.resolve("pwned");
    HookEvent e = event().failed("$(touch " + marker + ")", 3306).build();

    HookRunResult r = runner().run(Hook.POST_FAILOVER,
        List.of("printf '%s' \"$ORC_FAILED_HOST\" {failedHost}"), e);

    assertEquals("$(touch " + marker + ")$(touch " + marker + ")",
        r.outcomes().get(0).outputTail());
    assertFalse(Files.exists(marker));
  }

  @Test
  void successorPlaceholdersStayLiteralWithoutASuccessor() throws Exception {
    String cmd = "printf '%s %s %s' '{successorHost}:{successorPort}' {failedHost} {isSuccessful}";

    HookRunResult without = runner().run(Hook.POST_UNSUCCESSFUL_FAILOVER, List.of(cmd),
        event().build());
    HookRunResult with = runner().run(Hook.POST_FAILOVER, List.of(cmd),
        event().successor(successor()).build());

    assertEquals("{successorHost}:{successorPort} db1 false",
        without.outcomes().get(0).outputTail());
    assertEquals("db2:3307 db1 true", with.outcomes().get(0).outputTail());
  }

  @Test
  void missingShellIsAClearFailure() throws Exception {
    HookRunner r = new HookRunner("/nonexistent/orcha-no-shell", Duration.ofSeconds(5),
        1024, scripts);

    HookRunResult result = r.run(Hook.PRE_FAILOVER, List.of("exit 0", "exit 0"), event().build());

    assertTrue(result.failed());
    assertTrue(result.stopped());
    CommandOutcome o = result.outcomes().get(0);
    assertEquals(CommandOutcome.Status.NOT_STARTED, o.status());
    String reason = o.failureReason().orElseThrow();
    assertTrue(reason.contains("/nonexistent/orcha-no-shell"), reason);
    assertTrue(result.audit().stream().anyMatch(l -> l.contains("/nonexistent/orcha-no-shell")));
    assertScriptsRemoved();
  }

  @Test
  void unwritableTempDirIsAClearFailure() {
    Path missing = dir.resolve("no-such-dir");
    HookRunner r = new HookRunner("bash", Duration.ofSeconds(5), 1024, missing);

    HookRunResult result = r.run(Hook.POST_FAILOVER, List.of("exit 0"), event().build());

    CommandOutcome o = result.outcomes().get(0);
    assertEquals(CommandOutcome.Status.NOT_STARTED, o.status());
    assertTrue(o.failureReason().orElseThrow().contains(missing.toString()));
  }

  @Test
  void outputIsCapturedAndBounded() throws Exception {
    HookRunner r = new HookRunner("bash", Duration.ofSeconds(30), 1024, scripts);

    HookRunResult result = r.run(Hook.POST_FAILOVER,
        List.of("head -c 200000 /dev/zero | tr '\\0' x; echo END; echo ERR >&2"),
        event().build());

    String tail = result.outcomes().get(0).outputTail();
    assertEquals(1024, tail.length());
    assertTrue(tail.endsWith("xEND\nERR\n"), tail.substring(tail.length() - 20));
    assertTrue(tail.startsWith("xxxx"));
  }

  @Test
  void failureAuditLineBoundsTheOutput() throws Exception {
    HookRunResult r = runner().run(Hook.POST_FAILOVER,
        List.of("head -c 50000 /dev/zero | tr '\\0' y; exit 4"), event().build());

    String line = r.audit().get(2);
    assertTrue(line.length() < CommandOutcome.AUDIT_OUTPUT_CHARS + 200, "length " + line.length());
    assertTrue(line.contains("(exit status 4) ...yyy"), line.substring(0, 120));
  }

  @Test
  void scriptFileIsPrivateAndRemoved() throws Exception {
    Path seen = dir.resolve("script-path");

    HookRunResult r = runner().run(Hook.POST_FAILOVER,
        List.of("stat -c %a \"$0\"; printf '%s' \"$0\" > " + seen), event().build());

    assertEquals("600\n", r.outcomes().get(0).outputTail());
    Path script = Path.of(Files.readString(seen));
    assertEquals(scripts, script.getParent());
    assertFalse(Files.exists(script));
  }

  @Test
  void refusedSubstitutionDoesNotRunAndStopsAGate() throws Exception {
    Path next = dir.resolve("next-ran");
    Path marker = dir.resolve("pwned");
    HookEvent e = event().failureClusterAlias("a; touch " + marker).build();

    HookRunResult r = runner().run(Hook.ON_FAILURE_DETECTION,
        List.of("echo `echo {failureClusterAlias}`", "touch " + next), e);

    assertTrue(r.failed());
    assertTrue(r.stopped());
    CommandOutcome o = r.outcomes().get(0);
    assertEquals(CommandOutcome.Status.NOT_STARTED, o.status());
    assertTrue(o.failureReason().orElseThrow()
        .startsWith("refusing to substitute {failureClusterAlias}"));
    assertFalse(Files.exists(next));
    assertFalse(Files.exists(marker));
    assertScriptsRemoved();
  }

  @Test
  void postTakeMasterGetsKeysAsArgumentsAndEnvironment() throws Exception {
    HookRunResult r = runner().runPostTakeMaster(
        List.of("printf '%s %s %s %s {failedHost}' \"$1\" \"$2\" \"$ORC_SUCCESSOR_HOST\""
            + " \"$ORC_FAILED_HOST\""), "db2:3307", "db1:3306");

    assertEquals("db2:3307 db1:3306 db2:3307 db1:3306 {failedHost}",
        r.outcomes().get(0).outputTail());
    assertEquals("Running 1 PostTakeMasterProcesses hooks", r.audit().get(0));
  }

  @Test
  void anEmptyListRunsNothing() {
    HookRunResult r = runner().run(Hook.POST_FAILOVER, List.of(), event().build());

    assertEquals(List.of("No PostFailoverProcesses hooks to run"), r.audit());
    assertFalse(r.failed());
    assertTrue(r.asyncCompletion().isDone());
  }

  @Test
  void interruptionKillsTheCommandAndStopsTheList() throws Exception {
    Path started = dir.resolve("started");
    Path next = dir.resolve("next-ran");
    HookRunner runner = runner(Duration.ofSeconds(60));
    CompletableFuture<HookRunResult> result = new CompletableFuture<>();
    Thread t = new Thread(() -> result.complete(runner.run(Hook.POST_FAILOVER,
        List.of("touch " + started + "; sleep 30", "touch " + next), event().build())));
    t.start();
    awaitTrue(() -> Files.exists(started), "the hook started");

    t.interrupt();

    HookRunResult r = result.get(DEADLINE.toSeconds(), TimeUnit.SECONDS);
    assertTrue(r.stopped());
    CommandOutcome o = r.outcomes().get(0);
    assertEquals(CommandOutcome.Status.FAILED, o.status());
    assertEquals(Optional.of("interrupted; process tree killed"), o.failureReason());
    assertFalse(Files.exists(next));
  }

  // ---- helpers ------------------------------------------------------------------------------

  /** Gone: no such process, or a zombie that only waits to be reaped. */
  private static boolean isGone(long pid) {
    Optional<ProcessHandle> h = ProcessHandle.of(pid);
    if (h.isEmpty() || !h.get().isAlive()) {
      return true;
    }
    try {
      String stat = Files.readString(Path.of("/proc/" + pid + "/stat"), StandardCharsets.UTF_8);
      return stat.substring(stat.lastIndexOf(')') + 2).startsWith("Z");
    } catch (IOException e) {
      return true;
    }
  }

  private static void awaitTrue(BooleanSupplier condition, String what) {
    long end = System.nanoTime() + DEADLINE.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > end) {
        throw new AssertionError("not within " + DEADLINE + ": " + what);
      }
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
    }
  }
}
