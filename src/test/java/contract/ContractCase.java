package contract;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiConsumer;

/**
 * One request and what the contract says of its answer: HTTP status, the form (an ENVELOPE
 * {@code {Code, Message, Details}} or bare JSON), the payload's shape (object with the
 * contract's field names, array of such objects, string, number, null), the Message, plus any
 * check of the values. A case is one line in {@link ContractPlan}:
 *
 * <pre>
 *   read("instance/{H}/{M}").object(Specs.INSTANCE)
 *   write("begin-downtime/{H}/{R3}/o/r").ok("Downtime begun: {H}:{R3}").details(Specs.KEY)
 *   read("instance/{H}/abc").error("Invalid port: abc")
 * </pre>
 *
 * <p>A {@link #read} case is asked twice, the second time with a trailing slash (§1.1: "a
 * trailing slash must be accepted on every route"), and both answers must agree.
 */
final class ContractCase implements Step {

  private enum Form { ENVELOPE_OK, ENVELOPE_ERROR, BARE }

  private enum Payload { ANY, OBJECT, ARRAY, STRING, NUMBER, NULL }

  private final String template;
  private final boolean read;
  private String name;
  private int status = 200;
  private Form form;
  private Payload payload = Payload.ANY;
  private Spec spec;
  private int minSize;
  private String message;
  private boolean messageExact;
  private boolean messagePrefix;
  private String value;
  private BiConsumer<JsonNode, LiveApi> check;

  private ContractCase(String template, boolean read) {
    this.template = template;
    this.read = read;
    this.name = template;
  }

  /** A request that changes nothing: also asked with a trailing slash. */
  static ContractCase read(String template) {
    return new ContractCase(template, true);
  }

  /** A request that changes something (asked once). */
  static ContractCase write(String template) {
    return new ContractCase(template, false);
  }

  ContractCase named(String n) {
    this.name = n;
    return this;
  }

  // ---- bare JSON ---------------------------------------------------------------------------

  ContractCase object(Spec s) {
    return bare(Payload.OBJECT, s);
  }

  ContractCase array(Spec s) {
    return array(s, 0);
  }

  /** A bare array of at least {@code min} elements, each a {@code s} (null: any element). */
  ContractCase array(Spec s, int min) {
    this.minSize = min;
    return bare(Payload.ARRAY, s);
  }

  /** A bare JSON string equal to {@code expected} (a template; null: any string). */
  ContractCase string(String expected) {
    this.value = expected;
    return bare(Payload.STRING, null);
  }

  private ContractCase bare(Payload p, Spec s) {
    this.form = Form.BARE;
    this.payload = p;
    this.spec = s;
    return this;
  }

  // ---- envelopes ---------------------------------------------------------------------------

  /** ENVELOPE OK (HTTP 200) with exactly this Message (a template). */
  ContractCase ok(String exactMessage) {
    this.form = Form.ENVELOPE_OK;
    this.message = exactMessage;
    this.messageExact = true;
    return this;
  }

  /** ENVELOPE OK (HTTP 200) whose Message contains this (a template). */
  ContractCase okContaining(String fragment) {
    ok(fragment);
    this.messageExact = false;
    return this;
  }

  /** ENVELOPE ERROR, HTTP 500, whose Message contains this (a template). */
  ContractCase error(String fragment) {
    this.form = Form.ENVELOPE_ERROR;
    this.status = 500;
    this.message = fragment;
    this.messageExact = false;
    return this;
  }

  /**
   * A route orcha refuses on purpose (http.UnsupportedRoutes): HTTP 500, ENVELOPE ERROR whose
   * Message is {@code <command>: <reason>} (a reason of some words), Details null.
   */
  ContractCase refused(String command) {
    error(command + ": ");
    this.messagePrefix = true;
    this.payload = Payload.NULL;
    return check((body, api) -> {
      String reason = body.get("Message").asText().substring(command.length() + 2);
      assertTrue(reason.trim().split("\\s+").length >= 3, "a reason, not just a word: " + body);
    });
  }

  ContractCase details(Spec s) {
    this.payload = Payload.OBJECT;
    this.spec = s;
    return this;
  }

  ContractCase detailsArray(Spec s, int min) {
    this.payload = Payload.ARRAY;
    this.spec = s;
    this.minSize = min;
    return this;
  }

  /** Details is a JSON string equal to {@code expected} (a template; null: any string). */
  ContractCase detailsString(String expected) {
    this.payload = Payload.STRING;
    this.value = expected;
    return this;
  }

  ContractCase detailsNumber() {
    this.payload = Payload.NUMBER;
    return this;
  }

  ContractCase detailsNull() {
    this.payload = Payload.NULL;
    return this;
  }

  ContractCase status(int code) {
    this.status = code;
    return this;
  }

  /** A further check of the whole body (and a place to remember values for later steps). */
  ContractCase check(BiConsumer<JsonNode, LiveApi> c) {
    this.check = check == null ? c : check.andThen(c);
    return this;
  }

  /**
   * When the answer arrives, the operation's maintenance locks are given back: the client's next
   * call on the same servers must not find them "already under maintenance".
   */
  ContractCase locksReleased() {
    return check((body, api) -> {
      JsonNode m = api.json("maintenance");
      org.junit.jupiter.api.Assertions.assertTrue(m.isArray() && m.isEmpty(),
          "maintenance locks still held after the answer: " + m);
    });
  }

  // ---- running -----------------------------------------------------------------------------

  @Override
  public String name() {
    return name;
  }

  @Override
  public String pathTemplate() {
    return template;
  }

  @Override
  public void run(LiveApi api) {
    if (form == null) {
      throw new IllegalStateException(name + ": no expectation declared");
    }
    String path = api.resolve(template);
    LiveApi.Answer a = api.get(path);
    List<String> problems = problems(a, api);
    if (read && problems.isEmpty()) {
      LiveApi.Answer slash = api.get(withTrailingSlash(path));
      List<String> again = problems(slash, api);
      again.forEach(p -> problems.add("with a trailing slash: " + p));
    }
    assertTrue(problems.isEmpty(), String.join("\n", problems) + "\n" + a);
    if (check != null) {
      check.accept(a.json(), api);
    }
  }

  static String withTrailingSlash(String path) {
    int q = path.indexOf('?');
    return q < 0 ? path + "/" : path.substring(0, q) + "/" + path.substring(q);
  }

  private List<String> problems(LiveApi.Answer a, LiveApi api) {
    List<String> out = new ArrayList<>(AnswerRules.problems(a));
    if (a.status() != status) {
      out.add("HTTP " + a.status() + ", expected " + status);
    }
    JsonNode body = a.json();
    if (body == null) {
      return out;
    }
    JsonNode p;
    if (form == Form.BARE) {
      if (body.isObject() && body.has("Code")) {
        out.add("an ENVELOPE where the contract has bare JSON");
        return out;
      }
      p = body;
    } else {
      if (!AnswerRules.isEnvelope(body)) {
        out.add("not an ENVELOPE {Code, Message, Details}");
        return out;
      }
      String code = form == Form.ENVELOPE_OK ? "OK" : "ERROR";
      if (!code.equals(body.get("Code").asText())) {
        out.add("Code " + body.get("Code").asText() + ", expected " + code);
      }
      String expected = api.resolve(message);
      String actual = body.get("Message").asText();
      boolean matches = messageExact ? actual.equals(expected)
          : messagePrefix ? actual.startsWith(expected) : actual.contains(expected);
      if (!matches) {
        out.add("Message <" + actual + ">, expected " + (messageExact ? ""
            : messagePrefix ? "to start with " : "to contain ") + "<" + expected + ">");
      }
      p = body.get("Details");
    }
    out.addAll(payloadProblems(p, api, form == Form.BARE ? "body" : "Details"));
    return out;
  }

  private List<String> payloadProblems(JsonNode p, LiveApi api, String where) {
    List<String> out = new ArrayList<>();
    switch (payload) {
      case ANY -> { }
      case NULL -> {
        if (!p.isNull()) {
          out.add(where + ": expected null, got " + Spec.describe(p));
        }
      }
      case NUMBER -> {
        if (!p.isIntegralNumber()) {
          out.add(where + ": expected a number, got " + Spec.describe(p));
        }
      }
      case STRING -> {
        if (!p.isTextual()) {
          out.add(where + ": expected a string, got " + Spec.describe(p));
        } else if (value != null && !p.asText().equals(api.resolve(value))) {
          out.add(where + ": \"" + p.asText() + "\", expected \"" + api.resolve(value) + "\"");
        }
      }
      case OBJECT -> {
        if (spec == null) {
          if (!p.isObject()) {
            out.add(where + ": expected an object, got " + Spec.describe(p));
          }
        } else {
          out.addAll(spec.problems(p, where));
        }
      }
      case ARRAY -> {
        if (!p.isArray()) {
          out.add(where + ": expected an array, got " + Spec.describe(p));
          return out;
        }
        if (p.size() < minSize) {
          out.add(where + ": " + p.size() + " elements, expected at least " + minSize);
        }
        if (spec != null) {
          for (int i = 0; i < p.size(); i++) {
            out.addAll(spec.problems(p.get(i), where + "[" + i + "]"));
          }
        }
      }
    }
    return out;
  }
}
