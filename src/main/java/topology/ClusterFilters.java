package topology;

import java.util.List;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * orchestrator's RecoverMasterClusterFilters / RecoverIntermediateMasterClusterFilters matching
 * (orchestrator-api.md §7.5 step 5). A filter matches a cluster when it
 * <ul>
 *   <li>equals the cluster name or the alias;</li>
 *   <li>is {@code alias=<exact>} and the alias equals it;</li>
 *   <li>is {@code alias~=<regex>} and the regex is found in the alias;</li>
 *   <li>is {@code *};</li>
 *   <li>is otherwise a non-empty regex found in the cluster name.</li>
 * </ul>
 * An invalid regex matches nothing (as Go's ignored {@code regexp.MatchString} error does).
 */
public final class ClusterFilters {

  private ClusterFilters() {}

  public static boolean matches(List<String> filters, String name, String alias) {
    String n = name == null ? "" : name;
    String a = alias == null || alias.isEmpty() ? n : alias;
    for (String filter : filters) {
      if (filter == null) {
        continue;
      }
      if (filter.equals(n) || filter.equals(a)) {
        return true;
      }
      if (filter.startsWith("alias=")) {
        if (filter.substring("alias=".length()).equals(a)) {
          return true;
        }
      } else if (filter.startsWith("alias~=")) {
        if (found(filter.substring("alias~=".length()), a)) {
          return true;
        }
      } else if (filter.equals("*")) {
        return true;
      } else if (!filter.isEmpty() && found(filter, n)) {
        return true;
      }
    }
    return false;
  }

  private static boolean found(String regex, String text) {
    try {
      return Pattern.compile(regex).matcher(text).find();
    } catch (PatternSyntaxException e) {
      return false;
    }
  }
}
