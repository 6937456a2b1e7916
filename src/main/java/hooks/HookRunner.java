package hooks;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs hook lists as orchestrator does (api §9): each command, trimmed and with placeholders
 * substituted by {@link CommandRenderer}, is written to a temp file (mode 0600) and run as
 * {@code <processesShellCommand> <tmpfile>} with the {@code ORC_*} variables added to this JVM's
 * environment; commands run one after another; a command ending in {@code &} runs
 * asynchronously and its result never fails the list.
 *
 * <p>Blocking: {@link #run} waits for each synchronous command (up to the timeout each). Call it
 * from a dedicated executor or dispatcher, never from an actor's thread. It never throws for
 * anything a command or the system does: a missing shell, an unwritable temp dir, a refused
 * substitution, a timeout or an interruption is an outcome. Asynchronous commands are awaited
 * on threads this runner owns (daemon threads, idle ones expire).
 *
 * <p>What it logs: the audit lines of failed synchronous commands (WARN) and of finished
 * asynchronous ones (INFO); never the environment.
 */
public final class HookRunner {

  public static final Duration DEFAULT_TIMEOUT = Duration.ofMinutes(5);
  public static final int DEFAULT_OUTPUT_LIMIT_BYTES = 64 * 1024;

  private static final Logger LOG = LoggerFactory.getLogger(HookRunner.class);
  /** How long to keep reading output after the shell exited (a background child may hold it). */
  private static final Duration OUTPUT_GRACE = Duration.ofSeconds(1);
  /** How long to wait for a killed shell to be reaped. */
  private static final Duration KILL_WAIT = Duration.ofSeconds(5);
  private static final AtomicInteger THREAD_IDS = new AtomicInteger();

  private final String shell;
  private final Duration timeout;
  private final int outputLimitBytes;
  private final Path tempDir;
  private final ExecutorService asyncWaiters;

  /** {@code processesShellCommand} with the default timeout, output limit and temp dir. */
  public HookRunner(String processesShellCommand) {
    this(processesShellCommand, DEFAULT_TIMEOUT);
  }

  public HookRunner(String processesShellCommand, Duration timeout) {
    this(processesShellCommand, timeout, DEFAULT_OUTPUT_LIMIT_BYTES,
        Path.of(System.getProperty("java.io.tmpdir")));
  }

  /**
   * @param processesShellCommand the program that runs each script file (orchestrator's
   *     ProcessesShellCommand, e.g. {@code bash}); one program name or path, not split
   * @param timeout per command; a synchronous command still running then is killed with its
   *     whole process tree and fails; an asynchronous one is killed likewise
   * @param outputLimitBytes how much of each command's combined stdout/stderr to keep (the tail)
   * @param tempDir where the script files are written (and removed after each command)
   */
  public HookRunner(String processesShellCommand, Duration timeout, int outputLimitBytes,
      Path tempDir) {
    Objects.requireNonNull(processesShellCommand, "processesShellCommand");
    if (processesShellCommand.isBlank()) {
      throw new IllegalArgumentException("processesShellCommand must not be empty");
    }
    if (timeout.isZero() || timeout.isNegative()) {
      throw new IllegalArgumentException("hook timeout must be > 0, got " + timeout);
    }
    if (outputLimitBytes <= 0) {
      throw new IllegalArgumentException(
          "hook output limit must be > 0 bytes, got " + outputLimitBytes);
    }
    this.shell = processesShellCommand;
    this.timeout = timeout;
    this.outputLimitBytes = outputLimitBytes;
    this.tempDir = Objects.requireNonNull(tempDir, "tempDir");
    this.asyncWaiters = Executors.newCachedThreadPool(daemonThreads("orcha-hook-async-"));
  }

  /** Runs {@code hook}'s list; it stops at the first failure when {@link Hook#stopOnFailure()}. */
  public HookRunResult run(Hook hook, List<String> commands, HookEvent event) {
    if (hook == Hook.POST_TAKE_MASTER) {
      throw new IllegalArgumentException(
          "PostTakeMasterProcesses take no placeholders; use runPostTakeMaster");
    }
    return run(hook.configName(), commands, event, hook.stopOnFailure());
  }

  /**
   * Runs one list of command templates for {@code event}.
   *
   * @param hookName the list's name in audit lines, e.g. {@code PreFailoverProcesses}
   * @param stopOnFailure stop at the first failed synchronous command (the rest do not run)
   */
  public HookRunResult run(String hookName, List<String> commands, HookEvent event,
      boolean stopOnFailure) {
    Map<String, String> values = event.placeholders();
    return runList(hookName, commands, stopOnFailure, template -> prepare(template, values),
        event.environment(), List.of());
  }

  /**
   * Runs PostTakeMasterProcesses as orchestrator does: no placeholder substitution and no
   * {@code &} handling; each script gets the two key strings ({@code host:port}) as positional
   * arguments and as ORC_SUCCESSOR_HOST / ORC_FAILED_HOST. Failures are reported, never stop it.
   */
  public HookRunResult runPostTakeMaster(List<String> commands, String successorKey,
      String demotedKey) {
    Map<String, String> env = Map.of("ORC_SUCCESSOR_HOST", successorKey,
        "ORC_FAILED_HOST", demotedKey);
    return runList(Hook.POST_TAKE_MASTER.configName(), commands, false,
        template -> new Prepared(template, false, Optional.empty()), env,
        List.of(successorKey, demotedKey));
  }

  // ---- the list -----------------------------------------------------------------------------

  private record Prepared(String text, boolean async, Optional<String> refusal) {}

  /** orchestrator's prepareCommand: trim, a trailing {@code &} means async, then substitute. */
  private static Prepared prepare(String template, Map<String, String> values) {
    String text = template.strip();
    boolean async = false;
    if (text.endsWith("&")) {
      async = true;
      int end = text.length();
      while (end > 0 && text.charAt(end - 1) == '&') {
        end--;
      }
      text = text.substring(0, end).strip();
    }
    CommandRenderer.Result r = CommandRenderer.render(text, values);
    if (r instanceof CommandRenderer.Refused refused) {
      return new Prepared(text, async, Optional.of(refused.message()));
    }
    return new Prepared(((CommandRenderer.Rendered) r).text(), async, Optional.empty());
  }

  private HookRunResult runList(String name, List<String> commands, boolean stopOnFailure,
      Function<String, Prepared> prepare, Map<String, String> env, List<String> args) {
    List<String> audit = new ArrayList<>();
    List<CommandOutcome> outcomes = new ArrayList<>();
    List<CompletableFuture<CommandOutcome>> pending = new ArrayList<>();
    int total = commands.size();
    if (total == 0) {
      audit.add("No " + name + " hooks to run");
      return new HookRunResult(name, outcomes, false, false, audit,
          CompletableFuture.completedFuture(List.of()));
    }
    audit.add("Running " + total + " " + name + " hooks");
    boolean failed = false;
    boolean stopped = false;
    for (int i = 0; i < total; i++) {
      Prepared p = prepare.apply(commands.get(i));
      String description = name + " hook " + (i + 1) + " of " + total
          + (p.async() ? " (async)" : "");
      audit.add("Running " + description + ": " + p.text());
      CommandOutcome outcome;
      if (p.refusal().isPresent()) {
        outcome = notStarted(i + 1, description, p, p.refusal().get());
      } else {
        try {
          Launch launch = launch(p.text(), env, args);
          if (p.async()) {
            pending.add(awaitAsync(launch, i + 1, description, p));
            outcome = new CommandOutcome(i + 1, description, p.text(), true,
                CommandOutcome.Status.RUNNING, OptionalInt.empty(), Duration.ZERO, "",
                Optional.empty());
          } else {
            outcome = awaitSync(launch, i + 1, description, p);
          }
        } catch (StartFailure e) {
          outcome = notStarted(i + 1, description, p, e.getMessage());
        }
      }
      outcomes.add(outcome);
      if (outcome.status() != CommandOutcome.Status.RUNNING) {
        audit.add(outcome.auditLine());
      }
      if (!p.async() && outcome.failed()) {
        failed = true;
        LOG.warn("{}", outcome.auditLine());
        boolean interrupted = Thread.currentThread().isInterrupted();
        if (stopOnFailure || interrupted) {
          audit.add("Not running further " + name + " hooks");
          stopped = true;
          break;
        }
      }
    }
    if (!stopped) {
      audit.add("done running " + name + " hooks");
    }
    CompletableFuture<List<CommandOutcome>> asyncCompletion =
        CompletableFuture.allOf(pending.toArray(new CompletableFuture<?>[0]))
            .thenApply(v -> pending.stream().map(CompletableFuture::join).toList());
    return new HookRunResult(name, outcomes, failed, stopped, audit, asyncCompletion);
  }

  private static CommandOutcome notStarted(int index, String description, Prepared p,
      String reason) {
    return new CommandOutcome(index, description, p.text(), p.async(),
        CommandOutcome.Status.NOT_STARTED, OptionalInt.empty(), Duration.ZERO, "",
        Optional.of(reason));
  }

  // ---- one process --------------------------------------------------------------------------

  /** A started shell: its script file, output reader and start time. */
  private record Launch(Process process, Path script, Thread reader, OutputTail output,
      long startNanos) {}

  /** Why a command could not start; its message names the shell or the temp dir. */
  private static final class StartFailure extends Exception {
    StartFailure(String message) {
      super(message);
    }
  }

  private Launch launch(String text, Map<String, String> env, List<String> args)
      throws StartFailure {
    Path script;
    try {
      script = writeScript(text);
    } catch (IOException | RuntimeException e) {
      throw new StartFailure("cannot write the hook script in " + tempDir + ": " + e);
    }
    List<String> argv = new ArrayList<>();
    argv.add(shell);
    argv.add(script.toString());
    args.forEach(a -> argv.add(a.replace("\0", "")));
    ProcessBuilder pb = new ProcessBuilder(argv)
        .redirectErrorStream(true)
        .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
    Process process;
    long start = System.nanoTime();
    try {
      Map<String, String> environment = pb.environment();
      // Values from an outer environment must not pass for this event's (e.g. a stale
      // ORC_SUCCESSOR_HOST when this recovery has no successor).
      environment.keySet().removeIf(k -> k.startsWith("ORC_"));
      env.forEach((k, v) -> environment.put(k, v.replace("\0", "")));
      process = pb.start();
    } catch (IOException | RuntimeException e) {
      deleteQuietly(script);
      throw new StartFailure("cannot start processes shell command \"" + shell + "\": "
          + e.getMessage());
    }
    OutputTail output = new OutputTail(outputLimitBytes);
    Thread reader = daemonThreads("orcha-hook-output-")
        .newThread(() -> drain(process.getInputStream(), output));
    reader.start();
    return new Launch(process, script, reader, output, start);
  }

  private Path writeScript(String text) throws IOException {
    Path script;
    try {
      script = Files.createTempFile(tempDir, "orcha-hook-", ".sh", PosixFilePermissions
          .asFileAttribute(EnumSet.of(PosixFilePermission.OWNER_READ,
              PosixFilePermission.OWNER_WRITE)));
    } catch (UnsupportedOperationException e) {
      script = Files.createTempFile(tempDir, "orcha-hook-", ".sh");
    }
    try {
      Files.write(script, text.getBytes(StandardCharsets.UTF_8));
    } catch (IOException | RuntimeException e) {
      deleteQuietly(script);
      throw e;
    }
    return script;
  }

  private static void drain(InputStream in, OutputTail output) {
    byte[] buf = new byte[8192];
    try (in) {
      int r;
      while ((r = in.read(buf)) >= 0) {
        output.write(buf, 0, r);
      }
    } catch (IOException e) {
      // the stream closes under us when the process is gone; what was read is kept
    }
  }

  private CommandOutcome awaitSync(Launch l, int index, String description, Prepared p) {
    try {
      if (!l.process().waitFor(timeout.toNanos(), TimeUnit.NANOSECONDS)) {
        Duration took = since(l);
        kill(l);
        return finish(l, index, description, p, CommandOutcome.Status.TIMED_OUT, took,
            OptionalInt.empty(), timedOut());
      }
    } catch (InterruptedException e) {
      Duration took = since(l);
      kill(l);
      CommandOutcome o = finish(l, index, description, p, CommandOutcome.Status.FAILED, took,
          OptionalInt.empty(), "interrupted; process tree killed");
      Thread.currentThread().interrupt();
      return o;
    }
    return exited(l, index, description, p);
  }

  private CompletableFuture<CommandOutcome> awaitAsync(Launch l, int index, String description,
      Prepared p) {
    return l.process().onExit()
        .completeOnTimeout(null, timeout.toNanos(), TimeUnit.NANOSECONDS)
        .handleAsync((exited, error) -> {
          if (exited != null) {
            return exited(l, index, description, p);
          }
          Duration took = since(l);
          kill(l);
          return finish(l, index, description, p, CommandOutcome.Status.TIMED_OUT, took,
              OptionalInt.empty(), timedOut());
        }, asyncWaiters)
        .exceptionally(e -> new CommandOutcome(index, description, p.text(), true,
            CommandOutcome.Status.FAILED, OptionalInt.empty(), since(l), l.output().text(),
            Optional.of("waiting for the command failed: " + e)))
        .thenApply(o -> {
          LOG.info("{}", o.auditLine());
          return o;
        });
  }

  private CommandOutcome exited(Launch l, int index, String description, Prepared p) {
    Duration took = since(l);
    int code = l.process().exitValue();
    if (code == 0) {
      return finish(l, index, description, p, CommandOutcome.Status.SUCCEEDED, took,
          OptionalInt.of(code), null);
    }
    return finish(l, index, description, p, CommandOutcome.Status.FAILED, took,
        OptionalInt.of(code), "exit status " + code);
  }

  private String timedOut() {
    return "timed out after " + GoDuration.format(timeout) + "; process tree killed";
  }

  private CommandOutcome finish(Launch l, int index, String description, Prepared p,
      CommandOutcome.Status status, Duration took, OptionalInt code, String reason) {
    try {
      l.reader().join(OUTPUT_GRACE.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    deleteQuietly(l.script());
    return new CommandOutcome(index, description, p.text(), p.async(), status, code, took,
        l.output().text(), Optional.ofNullable(reason));
  }

  private static void kill(Launch l) {
    ProcessTrees.destroy(l.process());
    try {
      l.process().waitFor(KILL_WAIT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static Duration since(Launch l) {
    return Duration.ofNanos(System.nanoTime() - l.startNanos());
  }

  private static void deleteQuietly(Path p) {
    try {
      Files.deleteIfExists(p);
    } catch (IOException e) {
      LOG.warn("could not remove hook script {}: {}", p, e.toString());
    }
  }

  private static ThreadFactory daemonThreads(String prefix) {
    return r -> {
      Thread t = new Thread(r, prefix + THREAD_IDS.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }
}
