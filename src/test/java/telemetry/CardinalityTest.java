package telemetry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import actors.probe.ProbeClient;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.junit.jupiter.api.Test;
import testkit.Scrape;
import topology.AnalysisCode;
import topology.InstanceKey;
import topology.ObservedInstance;
import topology.ProbeFailure;
import topology.ProbeResult;
import topology.SkipReason;

/**
 * The number of series does not grow with the fleet: 1,000 and 10,000 distinct servers, each
 * probed (reached with a lag, or failed for every kind of reason), summarised by the fleet
 * gauges and going through detections and recoveries, expose exactly the same series — below a
 * bound fixed by the label sets alone.
 */
class CardinalityTest {

  /**
   * Everything orcha's own meters can expose without the JVM's: probes (2 histograms of 13
   * buckets, 8 error reasons, the lag histogram), the fleet gauges, every analysis code with
   * every detection, skip reason and result, 6 phases, fence and backend timers — a few hundred
   * series, and not one more with more servers.
   */
  static final int BOUND = 1500;

  static final Instant NOW = Instant.parse("2026-11-25T12:00:00Z");

  @Test
  void seriesStayTheSameFromAThousandToTenThousandServers() {
    Scrape thousand = fleetOf(1_000);
    Scrape tenThousand = fleetOf(10_000);
    assertEquals(series(thousand), series(tenThousand));
    assertTrue(thousand.samples().size() <= BOUND,
        thousand.samples().size() + " series for 1,000 servers, more than " + BOUND);
    // the values did grow: the same series count the bigger fleet
    assertEquals(10_000.0, tenThousand.value("orcha_servers", "state", "reachable")
        + tenThousand.value("orcha_servers", "state", "unreachable"));
    assertEquals(20_000.0, tenThousand.value("orcha_probe_duration_seconds_count"));
    // no label value names a server
    for (Scrape.Sample s : tenThousand.samples()) {
      for (String v : s.labels().values()) {
        assertTrue(!v.contains("db-") && !v.contains("3306"), "a server in " + s);
      }
    }
  }

  /** Name and labels of every sample, sorted. */
  static List<String> series(Scrape s) {
    return s.samples().stream().map(x -> x.name() + x.labels()).sorted().toList();
  }

  /** A fresh node's meters after {@code n} servers went through them. */
  static Scrape fleetOf(int n) {
    Telemetry t = Telemetry.withoutJvmMetrics();
    ProbeFailure.Reason[] reasons = ProbeFailure.Reason.values();
    AnalysisCode[] codes = AnalysisCode.values();
    SkipReason[] skips = SkipReason.values();
    String[] results = {"success", "failure", "refused", "unresolved"};
    List<ObservedInstance> observed = new ArrayList<>();
    List<ProbeResult> answers = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      boolean master = i % 10 == 0;
      var instance = master ? Servers.master(i) : Servers.replica(i, i - i % 10, (long) (i % 700));
      answers.add(new ProbeResult.Reached(instance, Duration.ofMillis(1 + i % 3000)));
      ProbeFailure.Reason reason = reasons[i % reasons.length];
      answers.add(new ProbeResult.Failed(instance.key(), new ProbeFailure(reason, "x"), false,
          Duration.ofMillis(i % 5000)));
      observed.add(i % 7 == 0 ? Servers.failing(instance, NOW, Duration.ofSeconds(i % 400))
          : Servers.seen(instance, NOW, Duration.ofMillis(i % 2000)));
      String code = codes[i % codes.length].name();
      t.recoveries().detected(code);
      t.recoveries().skipped(code, skips[i % skips.length].name());
      t.recoveries().skipped(code, "quorum");
      t.recoveries().ended(code, results[i % results.length], Duration.ofSeconds(i % 60));
      t.recoveries().phase(RecoveryMetrics.Phase.values()[i % 6], Duration.ofMillis(i));
      t.cluster().fenceWritten(ClusterMetrics.FenceWrite.values()[i % 2], i % 3 != 0,
          Duration.ofMillis(i % 100));
      t.backend().written(i % 2 == 0 ? "journal" : "audit", Duration.ofMillis(i % 50), i % 5 != 0);
    }
    // through the probe client the probers use, as a node records them
    ProbeClient scripted = new ProbeClient() {
      private int next;

      @Override
      public CompletionStage<ProbeResult> probe(InstanceKey key) {
        return CompletableFuture.completedFuture(answers.get(next++));
      }

      @Override
      public void forget(InstanceKey key) {}
    };
    MeteredProbeClient probes = new MeteredProbeClient(scripted, t.probes());
    for (ProbeResult r : answers) {
      probes.probe(r.key()).toCompletableFuture().join();
    }
    t.fleet().update(FleetMetrics.Summary.of(observed, NOW));
    t.actors().family("prober");
    Scrape s = Scrape.parse(t.scrape("").body());
    t.close();
    return s;
  }
}
