package dev.pagekeep.nativehost;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

class NativeBridgeTest {
  private final ObjectMapper json = new ObjectMapper();
  private final RecordingServiceGateway service = new RecordingServiceGateway();
  private final NativeBridge bridge = new NativeBridge(service, json, "9.9");

  private JsonNode handle(String request) throws Exception {
    ObjectNode node = (ObjectNode) json.readTree(request);
    return bridge.handle(node.get("type").asText(), node);
  }

  private void assertRefused(String request, ErrorCode code, String messagePart) {
    assertThatThrownBy(() -> handle(request))
        .isInstanceOfSatisfying(NativeRequestException.class, e -> {
          assertThat(e.code()).isEqualTo(code);
          assertThat(e.getMessage()).contains(messagePart);
        });
  }

  @Test
  void saveForwardsUrlDomTitleAndSourceAndReturnsTheServiceAnswer() throws Exception {
    service.answer(202, "{\"saves\":[{\"id\":\"s1\",\"url\":\"https://a.test/\",\"hashUrl\":\"0123456789\",\"state\":\"queued\"}]}");
    JsonNode result = handle("{\"id\":1,\"type\":\"save\",\"url\":\"https://a.test/\",\"html\":\"<p>é</p>\","
        + "\"title\":\"A\",\"source\":\"toolbar\",\"tabId\":5}");
    assertThat(result.at("/saves/0/state").asText()).isEqualTo("queued");
    RecordingServiceGateway.Call call = service.calls.get(0);
    assertThat(call.method()).isEqualTo("POST");
    assertThat(call.path()).isEqualTo("/api/saves");
    assertThat(json.readTree(call.body())).isEqualTo(json.readTree(
        "{\"url\":\"https://a.test/\",\"html\":\"<p>é</p>\",\"title\":\"A\",\"source\":\"toolbar\"}"));
  }

  @Test
  void saveWithASaveIdForwardsItForTheNeedsBrowserSave() throws Exception {
    handle("{\"type\":\"save\",\"url\":\"https://a.test/\",\"html\":\"<p>x</p>\",\"saveId\":42}");
    assertThat(json.readTree(service.calls.get(0).body()).get("saveId").asLong()).isEqualTo(42);
    assertRefused("{\"type\":\"save\",\"url\":\"https://a.test/\",\"saveId\":\"42\"}", ErrorCode.BAD_REQUEST, "saveId");
  }

  @Test
  void needsBrowserListsWaitingSavesAndNeverStartsTheService() throws Exception {
    service.answer(200, "{\"saves\":[{\"id\":3,\"url\":\"https://walled.test/\",\"state\":\"needs-browser\"}]}");
    JsonNode result = handle("{\"type\":\"needs-browser\",\"limit\":5}");
    assertThat(result.at("/saves/0/id").asLong()).isEqualTo(3);
    assertThat(service.calls.get(0).path()).isEqualTo("/api/saves?state=needs-browser&limit=5");
    assertRefused("{\"type\":\"needs-browser\",\"limit\":0}", ErrorCode.BAD_REQUEST, "limit");

    service.running = false;
    service.calls.clear();
    assertThat(handle("{\"type\":\"needs-browser\"}").get("saves")).isEmpty();
    assertThat(service.calls).as("no service runs: nothing asked, nothing started").isEmpty();
  }

  @Test
  void lookupAsksTheServiceAboutOneUrlAndNeverStartsIt() throws Exception {
    service.answer(200, "{\"url\":\"https://a.test/x?y=1\",\"archived\":true,\"versions\":3}");
    JsonNode result = handle("{\"type\":\"lookup\",\"url\":\"https://a.test/x?y=1\"}");
    assertThat(result.get("versions").asInt()).isEqualTo(3);
    assertThat(service.calls.get(0).path()).isEqualTo("/api/lookup?url=https%3A%2F%2Fa.test%2Fx%3Fy%3D1");
    assertRefused("{\"type\":\"lookup\"}", ErrorCode.BAD_REQUEST, "URL");
    assertRefused("{\"type\":\"lookup\",\"url\":\"chrome://newtab/\"}", ErrorCode.BAD_REQUEST, "http and https");

    service.running = false;
    service.calls.clear();
    JsonNode none = handle("{\"type\":\"lookup\",\"url\":\"https://a.test/\"}");
    assertThat(none.get("archived").asBoolean()).isFalse();
    assertThat(none.get("serviceRunning").asBoolean()).isFalse();
    assertThat(service.calls).as("no service runs: nothing asked, nothing started").isEmpty();
  }

  @Test
  void saveOfManyUrlsSendsThemAsOneRequest() throws Exception {
    handle("{\"type\":\"save\",\"urls\":[\"http://a.test/1\",\"http://a.test/2\"],\"source\":\"links-on-page\"}");
    assertThat(json.readTree(service.calls.get(0).body()).get("urls")).hasSize(2);
  }

  @Test
  void saveRefusesMissingBothOrNonHttpUrls() {
    assertRefused("{\"type\":\"save\"}", ErrorCode.BAD_REQUEST, "exactly one");
    assertRefused("{\"type\":\"save\",\"url\":\"http://a.test/\",\"urls\":[]}", ErrorCode.BAD_REQUEST, "exactly one");
    assertRefused("{\"type\":\"save\",\"url\":\"javascript:alert(1)\"}", ErrorCode.BAD_REQUEST, "http and https");
    assertRefused("{\"type\":\"save\",\"urls\":[\"http://a.test/\",7]}", ErrorCode.BAD_REQUEST, "string");
    assertRefused("{\"type\":\"save\",\"url\":\"http://a.test/\",\"title\":{}}", ErrorCode.BAD_REQUEST, "\"title\"");
    assertThat(service.calls).isEmpty();
  }

  @Test
  void serviceErrorsCarryTheServiceMessage() {
    service.answer(400, "{\"error\":{\"code\":\"bad_url\",\"message\":\"host is missing\"}}");
    assertThatThrownBy(() -> handle("{\"type\":\"save\",\"url\":\"http://a.test/\"}"))
        .isInstanceOfSatisfying(NativeRequestException.class, e -> {
          assertThat(e.code()).isEqualTo(ErrorCode.SERVICE_ERROR);
          assertThat(e.getMessage()).isEqualTo("service answered 400: host is missing");
          assertThat(e.status()).isEqualTo(400);
        });
  }

  @Test
  void serviceThatCannotStartIsReportedAsUnavailable() {
    service.available = false;
    assertRefused("{\"type\":\"save\",\"url\":\"http://a.test/\"}", ErrorCode.SERVICE_UNAVAILABLE, "port in use");
  }

  @Test
  void statusOfOneSaveAsksTheServiceWithAnEncodedId() throws Exception {
    service.answer(200, "{\"id\":\"a b\",\"state\":\"done\"}");
    assertThat(handle("{\"type\":\"status\",\"saveId\":\"a b\"}").get("state").asText()).isEqualTo("done");
    assertThat(service.calls.get(0).path()).isEqualTo("/api/saves/a%20b");
  }

  @Test
  void statusOfManySavesMarksUnknownOnesInsteadOfFailingAll() throws Exception {
    service.answer(200, "{\"id\":\"s1\",\"state\":\"fetching\"}")
        .answer(404, "{\"error\":{\"code\":\"not_found\",\"message\":\"no such save\"}}");
    JsonNode saves = handle("{\"type\":\"status\",\"saveIds\":[\"s1\",\"s2\"]}").get("saves");
    assertThat(saves.get(0).get("state").asText()).isEqualTo("fetching");
    assertThat(saves.get(1).get("state").asText()).isEqualTo("unknown");
    assertThat(saves.get(1).get("error").asText()).isEqualTo("no such save");
  }

  @Test
  void searchPassesAnEncodedQueryAndLimit() throws Exception {
    service.answer(200, "{\"snapshots\":[]}");
    handle("{\"type\":\"search\",\"q\":\"\\\"open web\\\" & more\",\"limit\":5}");
    assertThat(service.calls.get(0).path())
        .isEqualTo("/api/snapshots?limit=5&q=%22open+web%22+%26+more");
    assertRefused("{\"type\":\"search\",\"limit\":0}", ErrorCode.BAD_REQUEST, "limit");
  }

  @Test
  void loginLinkAndPairAnswerWhatTheExtensionNeeds() throws Exception {
    service.answer(200, "{\"url\":\"http://127.0.0.1:4242/login?token=once\"}");
    assertThat(handle("{\"type\":\"login-link\"}").get("url").asText()).endsWith("token=once");
    assertThat(service.calls.get(0).path()).isEqualTo("/api/login-links");
    JsonNode pairing = handle("{\"type\":\"pair\"}");
    assertThat(pairing.get("baseUrl").asText()).isEqualTo("http://127.0.0.1:4242");
    assertThat(pairing.get("token").asText()).isEqualTo("t0ken");
  }

  @Test
  void pingAnswersWithoutStartingTheService() throws Exception {
    service.running = false;
    JsonNode pong = handle("{\"type\":\"ping\"}");
    assertThat(pong.get("protocol").asInt()).isEqualTo(NativeBridge.PROTOCOL_VERSION);
    assertThat(pong.get("serviceRunning").asBoolean()).isFalse();
    assertThat(service.calls).isEmpty();
  }

  @Test
  void unknownTypeListsTheKnownOnes() {
    assertRefused("{\"type\":\"rm\"}", ErrorCode.UNKNOWN_TYPE, "known: ping, save");
  }
}
