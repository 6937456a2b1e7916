package contract;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiConsumer;
import java.util.function.Predicate;
import testkit.Eventually;

/** Small checks and actions the contract plan is written with. */
final class Checks {

  private Checks() {}

  /** The value at a JSON pointer, as text, equals the template's value. */
  static BiConsumer<JsonNode, LiveApi> at(String pointer, String expected) {
    return (body, api) -> assertEquals(api.resolve(expected), body.at(pointer).asText(),
        pointer + " of " + abbreviate(body));
  }

  /** Remembers the value at a JSON pointer as {@code {name}} for later steps. */
  static BiConsumer<JsonNode, LiveApi> remember(String name, String pointer) {
    return (body, api) -> {
      JsonNode v = body.at(pointer);
      assertTrue(!v.isMissingNode() && !v.asText().isEmpty(), pointer + " of " + abbreviate(body));
      api.set(name, v.asText());
    };
  }

  /** A takeover's answer named a successor: the cluster is named after it from now on. */
  static BiConsumer<JsonNode, LiveApi> successorNamesTheCluster(String var) {
    return (body, api) -> {
      JsonNode k = body.at("/Details/SuccessorKey");
      assertTrue(k.isObject() && k.get("Port").asInt() > 0, "SuccessorKey of " + abbreviate(body));
      api.set(var, k.get("Port").asInt());
      api.set("C", k.get("Hostname").asText() + ":" + k.get("Port").asInt());
    };
  }

  /** The ports of an array of Instances ({@code Key.Port}), or of KEYs ({@code Port}). */
  static List<Integer> ports(JsonNode array) {
    List<Integer> out = new ArrayList<>();
    for (JsonNode i : array) {
      out.add(i.has("Key") ? i.at("/Key/Port").asInt() : i.get("Port").asInt());
    }
    return out;
  }

  /** The ports the array lists are exactly those named (in order). */
  static BiConsumer<JsonNode, LiveApi> portsAre(String pointer, String... vars) {
    return (body, api) -> {
      List<Integer> expected = new ArrayList<>();
      for (String v : vars) {
        expected.add(api.port(v));
      }
      assertEquals(expected, ports(body.at(pointer)), pointer + " of " + abbreviate(body));
    };
  }

  static BiConsumer<JsonNode, LiveApi> contains(String pointer, String var) {
    return (body, api) -> assertTrue(ports(body.at(pointer)).contains(api.port(var)),
        pointer + " should list {" + var + "}: " + abbreviate(body));
  }

  /** An action: waits until GET {@code path} satisfies {@code ok}. */
  static Step await(String what, String path, Predicate<JsonNode> ok) {
    return Step.action("await " + what, api ->
        Eventually.await(what, Duration.ofSeconds(30), () -> api.json(path), ok));
  }

  /** An action: waits until GET {@code path} satisfies {@code ok}, which may read the vars. */
  static Step await(String what, String path, java.util.function.BiPredicate<JsonNode, LiveApi> ok) {
    return Step.action("await " + what, api ->
        Eventually.await(what, Duration.ofSeconds(30), () -> api.json(path), n -> ok.test(n, api)));
  }

  /** An action: waits until the picture is the sandbox's star again (LiveTopology#isStar). */
  static Step awaitStar() {
    return await("the sandbox's star", "all-instances", (all, api) -> api.isStar.test(all));
  }

  /** Calls an endpoint that must answer ENVELOPE OK (a step in a restoration). */
  static JsonNode call(LiveApi api, String path) {
    JsonNode r = api.json(path);
    assertEquals("OK", r.path("Code").asText(), "GET " + api.resolve(path) + " → " + r);
    return r;
  }

  static String abbreviate(JsonNode n) {
    String s = String.valueOf(n);
    return s.length() > 500 ? s.substring(0, 500) + "…" : s;
  }

  /** The instance of that port in an array of Instances, or a missing node. */
  static JsonNode instance(JsonNode all, int port) {
    for (JsonNode i : all) {
      if (i.at("/Key/Port").asInt() == port) {
        return i;
      }
    }
    return com.fasterxml.jackson.databind.node.MissingNode.getInstance();
  }
}
