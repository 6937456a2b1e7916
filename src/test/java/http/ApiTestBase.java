package http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;

/** Assertions shared by the tests that talk to a bound server. */
abstract class ApiTestBase {

  static final String JSON_CONTENT_TYPE = "application/json; charset=UTF-8";

  abstract ApiClient client();

  ApiClient.Answer get(String path) {
    ApiClient.Answer a = client().get(path);
    assertEquals(JSON_CONTENT_TYPE, a.contentType(), path + " Content-Type");
    a.json(); // every answer parses
    return a;
  }

  /** A bare JSON answer, HTTP 200. */
  JsonNode bare(String path) {
    ApiClient.Answer a = get(path);
    assertEquals(200, a.status(), path + ": " + a.body());
    JsonNode n = a.json();
    assertTrue(!n.isObject() || !n.has("Code"), path + " is bare JSON: " + a.body());
    return n;
  }

  /** An OK envelope, HTTP 200: the envelope. */
  JsonNode ok(String path) {
    ApiClient.Answer a = get(path);
    assertEquals(200, a.status(), path + ": " + a.body());
    assertEquals("OK", a.json().get("Code").asText(), a.body());
    assertEquals(List.of("Code", "Message", "Details"), ApiJsonTest.fieldNames(a.json()));
    return a.json();
  }

  /** An ERROR envelope, HTTP 500: its Message. */
  String error(String path) {
    return errorEnvelope(path, 500).get("Message").asText();
  }

  JsonNode errorEnvelope(String path, int status) {
    ApiClient.Answer a = get(path);
    assertEquals(status, a.status(), path + ": " + a.body());
    assertEquals("ERROR", a.json().get("Code").asText(), a.body());
    assertEquals(List.of("Code", "Message", "Details"), ApiJsonTest.fieldNames(a.json()));
    return a.json();
  }

  /** orchestrator-client's print_key over {@code .[].Key} (filter_keys). */
  static List<String> keys(JsonNode array) {
    assertTrue(array.isArray(), "array expected: " + array);
    List<String> out = new ArrayList<>();
    array.forEach(i -> out.add(printKey(i.get("Key"))));
    return out;
  }

  /** print_key: Hostname + ":" + Port. */
  static String printKey(JsonNode key) {
    return key.get("Hostname").asText() + ":" + key.get("Port").asInt();
  }
}
