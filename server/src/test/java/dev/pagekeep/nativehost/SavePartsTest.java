package dev.pagekeep.nativehost;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

/** A save too large for one native frame arrives as {@code save-part} messages and leaves as one POST. */
class SavePartsTest {
  private final ObjectMapper json = new ObjectMapper();
  private final RecordingServiceGateway service = new RecordingServiceGateway();
  private final NativeBridge bridge = new NativeBridge(service, json, "9.9");

  private JsonNode part(String upload, int index, int count, String data) throws Exception {
    ObjectNode node = json.createObjectNode();
    node.put("id", index);
    node.put("type", "save-part");
    node.put("upload", upload);
    node.put("index", index);
    node.put("count", count);
    node.put("data", data);
    return bridge.handle("save-part", node);
  }

  private void assertRefused(ThrowingRunnable r, String messagePart) {
    assertThatThrownBy(r::run).isInstanceOfSatisfying(NativeRequestException.class, e -> {
      assertThat(e.code()).isEqualTo(ErrorCode.BAD_REQUEST);
      assertThat(e.getMessage()).contains(messagePart);
    });
  }

  interface ThrowingRunnable {
    void run() throws Exception;
  }

  @Test
  void partsInOrderAreSentAsOneSaveAndTheLastAnswersWithTheServicesReply() throws Exception {
    String save = "{\"url\":\"https://a.test/\",\"html\":\"<p>ünïcödé 😀</p>\",\"status\":404,"
        + "\"resources\":[{\"url\":\"https://a.test/i.png\",\"base64\":\"AAEC\"}]}";
    int third = save.length() / 3;
    service.answer(202, "{\"saves\":[{\"id\":7,\"state\":\"queued\"}]}");
    assertThat(part("u1", 0, 3, save.substring(0, third)).path("received").asInt()).isEqualTo(1);
    assertThat(part("u1", 1, 3, save.substring(third, 2 * third)).path("received").asInt()).isEqualTo(2);
    assertThat(service.calls).as("nothing is sent before the last part").isEmpty();
    JsonNode result = part("u1", 2, 3, save.substring(2 * third));
    assertThat(result.at("/saves/0/id").asInt()).isEqualTo(7);
    assertThat(service.calls).hasSize(1);
    assertThat(service.calls.get(0).path()).isEqualTo("/api/saves");
    assertThat(json.readTree(service.calls.get(0).body())).isEqualTo(json.readTree(save));
  }

  @Test
  void aPartOutOfOrderDropsTheUpload() throws Exception {
    part("u2", 0, 3, "{\"url\":");
    assertRefused(() -> part("u2", 2, 3, "\"x\"}"), "out of order");
    assertRefused(() -> part("u2", 1, 3, "\"https://a.test/\""), "unknown");
    assertThat(service.calls).isEmpty();
  }

  @Test
  void aChangedCountOrTooManyPartsAreRefused() throws Exception {
    part("u3", 0, 2, "{");
    assertRefused(() -> part("u3", 1, 3, "}"), "out of order");
    assertRefused(() -> part("u4", 0, SaveUploads.MAX_PARTS + 1, "{"), "\"count\" must be from 1 to " + SaveUploads.MAX_PARTS);
  }

  @Test
  void theAssembledBodyMustBeASaveOfOneHttpUrl() {
    assertRefused(() -> part("a", 0, 1, "[1,2]"), "must be a JSON object");
    assertRefused(() -> part("b", 0, 1, "{\"url\":\"file:///etc/passwd\"}"), "only http and https");
    assertRefused(() -> part("c", 0, 1, "{\"urls\":[\"https://a.test/\"]}"), "not \"urls\"");
    assertRefused(() -> part("d", 0, 1, "{\"html\":\"<p>\"}"), "needs \"url\"");
    assertRefused(() -> part("e", 0, 1, "{\"url\":\"https://a.test/\""), "not valid JSON");
    assertRefused(() -> part("f", 0, 1, "{\"url\":\"https://a.test/\"} {}"), "not one JSON object");
    assertThat(service.calls).isEmpty();
  }

  @Test
  void anUploadOverTheByteBoundIsDropped() {
    SaveUploads uploads = new SaveUploads();
    String chunk = "x".repeat(8 * 1024 * 1024);
    assertThatThrownBy(() -> {
      for (int i = 0; i < SaveUploads.MAX_PARTS; i++) uploads.add("big", i, SaveUploads.MAX_PARTS, chunk, 0);
    }).isInstanceOf(NativeRequestException.class).hasMessageContaining("over " + SaveUploads.MAX_UPLOAD_BYTES + " bytes");
    assertThat(uploads.openCount()).isZero();
  }

  @Test
  void staleAndSurplusUploadsAreForgotten() throws Exception {
    SaveUploads uploads = new SaveUploads();
    uploads.add("old", 0, 2, "{", 0);
    uploads.add("new", 0, 2, "{", SaveUploads.STALE_MS + 1);
    assertThat(uploads.openCount()).isEqualTo(1);
    for (int i = 0; i < SaveUploads.MAX_OPEN + 2; i++) uploads.add("n" + i, 0, 2, "{", SaveUploads.STALE_MS + 2);
    assertThat(uploads.openCount()).isEqualTo(SaveUploads.MAX_OPEN);
  }

  @Test
  void aPlainSaveForwardsStatusAndResources() throws Exception {
    ObjectNode node = (ObjectNode) json.readTree("{\"id\":1,\"type\":\"save\",\"url\":\"https://a.test/\",\"html\":\"<p>\","
        + "\"status\":500,\"resources\":[{\"url\":\"https://a.test/s.css\",\"base64\":\"\"}]}");
    bridge.handle("save", node);
    JsonNode sent = json.readTree(service.calls.get(0).body());
    assertThat(sent.path("status").asInt()).isEqualTo(500);
    assertThat(sent.at("/resources/0/url").asText()).isEqualTo("https://a.test/s.css");
    assertRefused(() -> bridge.handle("save", (ObjectNode) json.readTree("{\"url\":\"https://a.test/\",\"resources\":{}}")), "\"resources\" must be an array");
    assertRefused(() -> bridge.handle("save", (ObjectNode) json.readTree("{\"url\":\"https://a.test/\",\"status\":\"x\"}")), "\"status\" must be a number");
  }
}
