package actors.probe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import java.time.Duration;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** orcha.discovery.shared-probing: defaults (off), values, and bad values named. */
class SharedProbingSettingsTest {

  @Test
  void theDefaultsAreOffOneObserverHalfASecond() {
    SharedProbingSettings s = SharedProbingSettings.from(ConfigFactory.load());
    assertEquals(new SharedProbingSettings(false, 1, Duration.ofMillis(500)), s);
  }

  @Test
  void valuesAreRead() {
    SharedProbingSettings s = SharedProbingSettings.from(ConfigFactory.parseString(
        "orcha.discovery.shared-probing { enabled = true, observers = 2, share-every = 200ms }"));
    assertEquals(new SharedProbingSettings(true, 2, Duration.ofMillis(200)), s);
  }

  static Stream<Arguments> bad() {
    return Stream.of(
        Arguments.of("observers = 0", "orcha.discovery.shared-probing.observers"),
        Arguments.of("observers = many", "orcha.discovery.shared-probing.observers"),
        Arguments.of("enabled = perhaps", "orcha.discovery.shared-probing.enabled"),
        Arguments.of("share-every = 0s", "orcha.discovery.shared-probing.share-every"),
        Arguments.of("share-every = 2h", "orcha.discovery.shared-probing.share-every"),
        Arguments.of("share-every = soon", "orcha.discovery.shared-probing.share-every"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("bad")
  void aBadValueNamesItsKey(String setting, String key) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () ->
        SharedProbingSettings.from(ConfigFactory.parseString(
            "orcha.discovery.shared-probing { " + setting + " }")));
    assertTrue(e.getMessage().contains(key), e.getMessage());
  }
}
