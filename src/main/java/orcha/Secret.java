package orcha;

/** A password or token: never printed, never logged, never returned by the API. */
public record Secret(String value) {

  public static final Secret EMPTY = new Secret("");

  public Secret {
    value = value == null ? "" : value;
  }

  public boolean isEmpty() {
    return value.isEmpty();
  }

  @Override
  public String toString() {
    return value.isEmpty() ? "<empty>" : "<secret>";
  }
}
