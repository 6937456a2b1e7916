package contract;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;

/**
 * What every answer of the API must be, whatever was asked (orchestrator-api.md §1.1, §1.2,
 * §11.1): JSON with {@code application/json; charset=UTF-8}; HTTP 500 only with an ERROR
 * envelope carrying a Message; HTTP 200 never with an ERROR envelope; no Java stack trace or
 * exception name leaking out; never orcha's catch-all "internal error" (it means an input
 * reached code that did not expect it, instead of being refused with a clear message).
 */
final class AnswerRules {

  static final String JSON_TYPE = "application/json; charset=UTF-8";
  static final List<String> LEAKS = List.of("\tat ", "Exception", "java.", "scala.", "pekko.");
  static final List<String> UNCLEAR = List.of("Internal error in orcha", "Timed out: this orcha node");

  private AnswerRules() {}

  static List<String> problems(LiveApi.Answer a) {
    List<String> out = new ArrayList<>();
    if (a.json() == null) {
      out.add("body is not JSON");
      return out;
    }
    if (!JSON_TYPE.equalsIgnoreCase(a.contentType())) {
      out.add("Content-Type " + a.contentType() + ", expected " + JSON_TYPE);
    }
    for (String leak : LEAKS) {
      if (a.raw().contains(leak)) {
        out.add("body contains \"" + leak.replace("\t", "\\t") + "\" (a stack trace or an exception leaked)");
      }
    }
    boolean envelope = isEnvelope(a.json());
    String code = envelope ? a.json().get("Code").asText() : "";
    if (a.status() == 500 && !(envelope && code.equals("ERROR"))) {
      out.add("HTTP 500 without an ERROR envelope");
    }
    if (a.status() == 200 && envelope && !code.equals("OK")) {
      out.add("HTTP 200 with Code " + code);
    }
    if (envelope && code.equals("ERROR")) {
      String message = a.json().get("Message").asText();
      if (message.isBlank()) {
        out.add("ERROR envelope without a Message");
      }
      for (String u : UNCLEAR) {
        if (message.contains(u)) {
          out.add("unclear error: " + message);
        }
      }
    }
    return out;
  }

  /** The ENVELOPE: an object with Code ("OK"/"ERROR"), Message (string) and Details. */
  static boolean isEnvelope(JsonNode n) {
    return n != null && n.isObject() && n.has("Code") && n.get("Code").isTextual()
        && n.has("Message") && n.get("Message").isTextual() && n.has("Details");
  }
}
