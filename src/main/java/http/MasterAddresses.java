package http;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * The {@code /ipv4} and {@code /ipv6} KV pairs of a published master (orchestrator-api.md §8.3:
 * "resolved addresses (only if resolution succeeds; may be empty strings)"), added after its
 * {@code /port} pair. Name resolution blocks, so it runs on threads of its own, never on the
 * actors' dispatcher, and is bounded: a lookup that has not answered in {@link #DEADLINE} counts
 * as failed (the pairs are left out, the publication goes on).
 */
public final class MasterAddresses {

  static final Duration DEADLINE = Duration.ofSeconds(2);
  private static final ExecutorService RESOLVER = Executors.newFixedThreadPool(2, r -> {
    Thread t = new Thread(r, "orcha-kv-resolver");
    t.setDaemon(true);
    return t;
  });

  private MasterAddresses() {}

  /** An address pair: the first IPv4 and the first IPv6 address, each "" when there is none. */
  record Addresses(String ipv4, String ipv6) {}

  /** {@code pairs} with the address pairs of every {@code <base>/hostname} that resolves. */
  public static CompletionStage<Map<String, String>> withAddresses(Map<String, String> pairs) {
    Map<String, CompletableFuture<Optional<Addresses>>> lookups = new HashMap<>();
    for (Map.Entry<String, String> e : pairs.entrySet()) {
      if (e.getKey().endsWith("/hostname")) {
        String host = e.getValue();
        lookups.put(base(e.getKey()), CompletableFuture.supplyAsync(() -> resolve(host), RESOLVER)
            .completeOnTimeout(Optional.empty(), DEADLINE.toMillis(), TimeUnit.MILLISECONDS));
      }
    }
    return CompletableFuture.allOf(lookups.values().toArray(CompletableFuture[]::new)).thenApply(v -> {
      Map<String, String> out = new LinkedHashMap<>();
      List<String> bases = new ArrayList<>(lookups.keySet());
      pairs.forEach((k, value) -> {
        out.put(k, value);
        if (k.endsWith("/port") && bases.contains(base(k))) {
          lookups.get(base(k)).join().ifPresent(a -> {
            out.put(base(k) + "/ipv4", a.ipv4());
            out.put(base(k) + "/ipv6", a.ipv6());
          });
        }
      });
      return out;
    });
  }

  private static String base(String key) {
    return key.substring(0, key.lastIndexOf('/'));
  }

  static Optional<Addresses> resolve(String host) {
    try {
      String v4 = "";
      String v6 = "";
      for (InetAddress a : InetAddress.getAllByName(host)) {
        if (a instanceof Inet4Address && v4.isEmpty()) {
          v4 = a.getHostAddress();
        } else if (a instanceof Inet6Address && v6.isEmpty()) {
          String s = a.getHostAddress();
          v6 = s.contains("%") ? s.substring(0, s.indexOf('%')) : s;
        }
      }
      return Optional.of(new Addresses(v4, v6));
    } catch (UnknownHostException | SecurityException e) {
      return Optional.empty();
    }
  }
}
