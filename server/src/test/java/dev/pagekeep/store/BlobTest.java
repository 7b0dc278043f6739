package dev.pagekeep.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Stored forms: zstd for new blobs, raw when compression does not help, deflate still readable. */
class BlobTest {
  private static byte[] page() {
    StringBuilder b = new StringBuilder("<!doctype html><title>t</title>");
    Random r = new Random(7);
    while (b.length() < 200_000) b.append("<p>word").append(r.nextInt(500)).append(" and more words</p>\n");
    return b.toString().getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void textIsStoredWithZstdAndComesBackByteForByte() {
    byte[] body = page();
    Blob blob = Blob.of(body);
    assertThat(blob.stored()[0]).as("marker").isEqualTo((byte) 2);
    assertThat(blob.stored().length).isLessThan(body.length / 4);
    assertThat(Blob.decode(blob.stored())).isEqualTo(body);
    assertThat(blob.size()).isEqualTo(body.length);
  }

  @Test
  void incompressibleBytesAreStoredRaw() {
    byte[] noise = new byte[50_000];
    new Random(1).nextBytes(noise);
    Blob blob = Blob.of(noise);
    assertThat(blob.stored()[0]).isZero();
    assertThat(blob.stored()).hasSize(noise.length + 1);
    assertThat(Blob.decode(blob.stored())).isEqualTo(noise);
    assertThat(Blob.decode(Blob.of(new byte[0]).stored())).isEmpty();
  }

  @Test
  void deflateBlobsOfOlderArchivesStillDecode() {
    byte[] body = page();
    byte[] stored = Blob.deflate(body);
    assertThat(stored[0]).isEqualTo((byte) 1);
    assertThat(Blob.decode(stored)).isEqualTo(body);
  }

  @Test
  void aDamagedZstdBlobIsReportedNotReturned() {
    byte[] stored = Blob.of(page()).stored().clone();
    stored[stored.length / 2] ^= 0x5a;
    stored[stored.length / 2 + 1] ^= 0x33;
    assertThatThrownBy(() -> Blob.decode(stored)).isInstanceOf(CorruptStoreException.class);
    assertThatThrownBy(() -> Blob.decode(new byte[] {2, 1, 2, 3})).isInstanceOf(CorruptStoreException.class);
  }
}
