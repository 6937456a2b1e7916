package http;

import static org.apache.pekko.http.javadsl.server.Directives.complete;
import static org.apache.pekko.http.javadsl.server.Directives.encodeResponse;
import static org.apache.pekko.http.javadsl.server.Directives.extractRequest;
import static org.apache.pekko.http.javadsl.server.Directives.reject;

import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import org.apache.pekko.http.javadsl.model.ContentType;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.HttpHeader;
import org.apache.pekko.http.javadsl.model.HttpMethods;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.model.headers.RawHeader;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * The web UI: the static files under the class path's {@code ui/} served at
 * {@code {URLPrefix}/web/...} (orchestrator's UI lives under /web too), and {@code {URLPrefix}/}
 * redirected there. The pages are plain HTML, CSS and JavaScript modules that read and act
 * through {@code /api}, so they inherit its authentication; the files themselves ask for the
 * same credentials (a read-only user may load them).
 *
 * <p>A path is served only when every segment is a plain file or folder name (letters, digits,
 * '.', '_', '-', not starting with '.') and the extension is a known one: no {@code ..}, no
 * encoded slash, nothing outside {@code ui/}. Answers carry {@code Cache-Control: no-cache} and
 * an ETag, so a browser revalidates (a 304 costs nothing) and never runs the files of an older
 * orcha after an upgrade; and a Content-Security-Policy that allows this origin's scripts only,
 * so that even a slip in the pages could not run injected script.
 */
public final class UiRoutes {

  /** Where the files are on the class path. */
  static final String RESOURCE_ROOT = "ui/";

  /** The folder the UI is served under, below the URL prefix. */
  static final String WEB = "web";

  static final String CSP = "default-src 'none'; script-src 'self'; style-src 'self'; "
      + "img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'none'; "
      + "frame-ancestors 'none'";

  private static final Pattern SEGMENT = Pattern.compile("[A-Za-z0-9_-][A-Za-z0-9._-]{0,99}");

  private static final Map<String, ContentType> TYPES = Map.of(
      "html", ContentTypes.TEXT_HTML_UTF8,
      "css", ContentTypes.parse("text/css; charset=UTF-8"),
      "js", ContentTypes.parse("text/javascript; charset=UTF-8"),
      "svg", ContentTypes.parse("image/svg+xml"),
      "png", ContentTypes.parse("image/png"),
      "ico", ContentTypes.parse("image/x-icon"),
      "json", ContentTypes.APPLICATION_JSON);

  /** A file read once: its bytes, type and ETag. */
  record StaticFile(byte[] bytes, ContentType type, String etag) {}

  private final NodeApi api;
  private final ClassLoader loader;
  /** Only files that exist are kept (a stream of bad paths cannot grow it). */
  private final Map<String, StaticFile> files = new ConcurrentHashMap<>();

  public UiRoutes(NodeApi api) {
    this(api, UiRoutes.class.getClassLoader());
  }

  UiRoutes(NodeApi api, ClassLoader loader) {
    this.api = api;
    this.loader = loader;
  }

  /** Matches {prefix}/ and {prefix}/web/...; rejects everything else for the API to answer. */
  public Route route() {
    return extractRequest(req -> target(req).isPresent()
        ? encodeResponse(() -> complete(answer(req)))
        : reject());
  }

  /** What a path asks for. */
  sealed interface Target {}

  /** {prefix}, {prefix}/ or {prefix}/web: to {prefix}/web/. */
  record Redirect(String location) implements Target {}

  /** A file under web/ (index.html for web/ itself), or a path that cannot name one. */
  record File(Optional<String> name) implements Target {}

  Optional<Target> target(HttpRequest req) {
    List<String> segments = ApiRouter.segments(req.getUri().asScala().path());
    List<String> prefix = ApiRouter.pathSegments(
        api.settings().urlPrefix() == null ? "" : api.settings().urlPrefix());
    String web = "/" + String.join("/", prefix) + (prefix.isEmpty() ? "" : "/") + WEB + "/";
    if (segments.equals(prefix) || segments.equals(with(prefix, ""))) {
      return Optional.of(new Redirect(web));
    }
    List<String> base = with(prefix, WEB);
    if (segments.size() < base.size() || !segments.subList(0, base.size()).equals(base)) {
      return Optional.empty();
    }
    List<String> rest = segments.subList(base.size(), segments.size());
    if (rest.isEmpty()) {
      return Optional.of(new Redirect(web));
    }
    if (rest.equals(List.of(""))) {
      return Optional.of(new File(Optional.of("index.html")));
    }
    for (String s : rest) {
      if (!SEGMENT.matcher(s).matches()) {
        return Optional.of(new File(Optional.empty()));
      }
    }
    String name = String.join("/", rest);
    return Optional.of(new File(TYPES.containsKey(extension(name))
        ? Optional.of(name) : Optional.empty()));
  }

  /** The answer to a request {@link #target} matched. */
  HttpResponse answer(HttpRequest req) {
    if (!req.method().equals(HttpMethods.GET) && !req.method().equals(HttpMethods.HEAD)) {
      return plain(StatusCodes.METHOD_NOT_ALLOWED, "only GET and HEAD are served here")
          .addHeader(RawHeader.create("Allow", "GET, HEAD"));
    }
    Target t = target(req).orElse(new File(Optional.empty()));
    if (t instanceof Redirect r) {
      return HttpResponse.create().withStatus(StatusCodes.FOUND)
          .addHeader(RawHeader.create("Location", r.location()))
          .addHeader(RawHeader.create("Cache-Control", "no-cache"));
    }
    if (Authentication.identify(api.settings().auth(), req).isEmpty()) {
      return plain(StatusCodes.UNAUTHORIZED, Authentication.UNAUTHORIZED)
          .addHeader(RawHeader.create("WWW-Authenticate", Authentication.CHALLENGE));
    }
    Optional<StaticFile> file = ((File) t).name().flatMap(this::file);
    if (file.isEmpty()) {
      return plain(StatusCodes.NOT_FOUND, "No such file of the web UI: " + req.getUri().path());
    }
    StaticFile f = file.get();
    boolean unchanged = req.getHeader("If-None-Match")
        .map(h -> List.of(h.value().split("\\s*,\\s*")).contains(f.etag())).orElse(false);
    HttpResponse r = unchanged
        ? HttpResponse.create().withStatus(StatusCodes.NOT_MODIFIED)
        : HttpResponse.create().withEntity(HttpEntities.create(f.type(), f.bytes()));
    return r.addHeaders(headers(f.etag()));
  }

  private static List<HttpHeader> headers(String etag) {
    return List.of(
        RawHeader.create("ETag", etag),
        RawHeader.create("Cache-Control", "no-cache"),
        RawHeader.create("X-Content-Type-Options", "nosniff"),
        RawHeader.create("Content-Security-Policy", CSP),
        RawHeader.create("X-Frame-Options", "DENY"),
        RawHeader.create("Referrer-Policy", "no-referrer"));
  }

  private static HttpResponse plain(org.apache.pekko.http.javadsl.model.StatusCode status,
      String text) {
    return HttpResponse.create().withStatus(status)
        .withEntity(ContentTypes.TEXT_PLAIN_UTF8, text + "\n")
        .addHeader(RawHeader.create("X-Content-Type-Options", "nosniff"));
  }

  /** The file {@code ui/name}, read once; empty when there is none. */
  Optional<StaticFile> file(String name) {
    StaticFile known = files.get(name);
    if (known != null) {
      return Optional.of(known);
    }
    try (InputStream in = loader.getResourceAsStream(RESOURCE_ROOT + name)) {
      if (in == null) {
        return Optional.empty();
      }
      byte[] bytes = in.readAllBytes();
      StaticFile f = new StaticFile(bytes, TYPES.get(extension(name)), etag(bytes));
      files.put(name, f);
      return Optional.of(f);
    } catch (IOException e) {
      // a folder named like a file, or a broken jar: nothing to serve under that name
      return Optional.empty();
    }
  }

  private static String etag(byte[] bytes) {
    try {
      byte[] d = MessageDigest.getInstance("SHA-256").digest(bytes);
      return "\"" + HexFormat.of().formatHex(d, 0, 12) + "\"";
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String extension(String name) {
    int dot = name.lastIndexOf('.');
    int slash = name.lastIndexOf('/');
    return dot > slash ? name.substring(dot + 1) : "";
  }

  private static List<String> with(List<String> list, String last) {
    List<String> l = new ArrayList<>(list);
    l.add(last);
    return l;
  }
}
