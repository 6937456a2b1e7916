package http;

import java.util.List;
import java.util.Locale;

/**
 * How the API authenticates callers (orchestrator's AuthenticationMethod and friends,
 * orchestrator-api.md §1.4). The password is never printed: {@link #toString()} hides it.
 *
 * @param method none (orchestrator's ""), basic, multi or proxy
 * @param user HTTPAuthUser: the one user with full rights (basic, multi)
 * @param password HTTPAuthPassword
 * @param powerUsers PowerAuthUsers: proxy users allowed to change things ("*": everyone)
 * @param userHeader AuthUserHeader: the header a proxy names the user in
 * @param readOnly ReadOnly: every state-changing call is refused, whoever asks
 */
public record ApiAuth(Method method, String user, String password, List<String> powerUsers,
    String userHeader, boolean readOnly) {

  /** The four methods; orchestrator's token and oauth are not supported. */
  public enum Method {
    NONE, BASIC, MULTI, PROXY;

    /** "" or "none", basic, multi, proxy (any case). */
    public static Method parse(String s) {
      String v = s == null ? "" : s.trim().toLowerCase(Locale.ROOT);
      return switch (v) {
        case "", "none" -> NONE;
        case "basic" -> BASIC;
        case "multi" -> MULTI;
        case "proxy" -> PROXY;
        default -> throw new IllegalArgumentException(
            "must be none, basic, multi or proxy, got: " + s);
      };
    }
  }

  /** AuthUserHeader's default. */
  public static final String DEFAULT_USER_HEADER = "X-Forwarded-User";

  /** No authentication, writes allowed. */
  public static final ApiAuth NONE = new ApiAuth(Method.NONE, "", "", List.of("*"),
      DEFAULT_USER_HEADER, false);

  /** The user name multi mode accepts with any password, for reading only. */
  public static final String READONLY_USER = "readonly";

  public ApiAuth {
    method = method == null ? Method.NONE : method;
    user = user == null ? "" : user;
    password = password == null ? "" : password;
    powerUsers = powerUsers == null ? List.of("*") : List.copyOf(powerUsers);
    userHeader = userHeader == null || userHeader.isBlank() ? DEFAULT_USER_HEADER : userHeader.trim();
  }

  @Override
  public String toString() {
    return "ApiAuth[method=" + method + ", user=" + user + ", password="
        + (password.isEmpty() ? "<empty>" : "<secret>") + ", powerUsers=" + powerUsers
        + ", userHeader=" + userHeader + ", readOnly=" + readOnly + "]";
  }
}
