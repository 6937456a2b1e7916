package http;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import topology.InstanceKey;
import topology.InstanceTag;
import topology.TagQuery;

/**
 * Tags (orchestrator-api.md §4.1, §4.2): {@code name=value} metadata operators put on servers,
 * kept in the replicated control state (every node answers the same, restarts keep them).
 * A tag is given as {@code ?tag=name[=value]} (orchestrator-client's way) or as path segments.
 * Tags do not show in the Instance JSON (the contract has no field for them); topology-tags
 * prints them.
 */
final class TagRoutes {

  /** orchestrator's tag_name column is varchar(128); values are kept to a sane size too. */
  static final int MAX_NAME = 128;
  static final int MAX_VALUE = 1024;

  private final NodeApi api;

  TagRoutes(NodeApi api) {
    this.api = api;
  }

  void register(RouteTable t) {
    t.add("tags/:host/:port", this::tags);
    t.add("tag-value/:host/:port", this::tagValue);
    t.add("tag-value/:host/:port/:tagName", this::tagValue);
    t.add("tag/:host/:port", this::tag);
    t.add("tag/:host/:port/:tagName/:tagValue", this::tag);
    t.add("untag/:host/:port", this::untag);
    t.add("untag/:host/:port/:tagName", this::untag);
    t.add("untag-all", this::untagAll);
    t.add("untag-all/:tagName/:tagValue", this::untagAll);
    t.add("tagged", this::tagged);
    // orchestrator-client's table names tagged/{i}: with an instance, only it is judged
    t.add("tagged/:host/:port", this::tagged);
  }

  /**
   * orchestrator's getTag: {@code ?tag=} parsed as a tag, else the path's name (and value: a
   * value given in the path counts as given).
   */
  static InstanceTag tagOf(ApiRequest r) {
    String query = r.query("tag").orElse("");
    InstanceTag tag;
    try {
      if (!query.isEmpty()) {
        tag = InstanceTag.parse(query);
      } else if (r.param("tagName").isEmpty()) {
        throw new ApiException("No tag given: use ?tag=name[=value]");
      } else {
        tag = new InstanceTag(r.param("tagName"), r.param("tagValue"),
            !r.param("tagValue").isEmpty(), false);
      }
    } catch (IllegalArgumentException e) {
      throw new ApiException(e.getMessage());
    }
    if (tag.name().length() > MAX_NAME) {
      throw new ApiException("Tag name longer than " + MAX_NAME + " characters: " + tag.name());
    }
    if (tag.value().length() > MAX_VALUE) {
      throw new ApiException("Tag value longer than " + MAX_VALUE + " characters (tag "
          + tag.name() + ")");
    }
    return tag;
  }

  private CompletionStage<Map<String, String>> tagsOf(InstanceKey key) {
    return api.controlState().thenApply(c -> c.tags().getOrDefault(key, Map.of()));
  }

  /** Bare array of {@code name=value}, by name. */
  private CompletionStage<ApiReply> tags(ApiRequest r) {
    InstanceKey key = ApiParams.instanceKey(r);
    return tagsOf(key).thenApply(tags -> ApiReply.json(ApiJson.strings(tags.entrySet().stream()
        .sorted(Map.Entry.comparingByKey()).map(e -> e.getKey() + "=" + e.getValue()).toList())));
  }

  /** Bare JSON string; a missing tag is orchestrator's ERROR {@code tag <name> not found for <key>}. */
  private CompletionStage<ApiReply> tagValue(ApiRequest r) {
    InstanceKey key = ApiParams.instanceKey(r);
    InstanceTag tag = tagOf(r);
    return tagsOf(key).thenApply(tags -> {
      String v = tags.get(tag.name());
      if (v == null) {
        throw new ApiException("tag " + tag.name() + " not found for " + key);
      }
      return ApiReply.string(v);
    });
  }

  private CompletionStage<ApiReply> tag(ApiRequest r) {
    InstanceKey key = ApiParams.instanceKey(r);
    InstanceTag tag = tagOf(r);
    if (tag.negate()) {
      throw new ApiException("Tag: a negated tag (~" + tag.name() + ") can only be asked for"
          + " with tagged");
    }
    return api.tag(key, tag.name(), tag.value()).thenApply(v ->
        ApiReply.ok(key + " tagged with " + tag.display(), ApiJson.key(key)));
  }

  private CompletionStage<ApiReply> untag(ApiRequest r) {
    InstanceKey key = ApiParams.instanceKey(r);
    return remove(key, tagOf(r));
  }

  private CompletionStage<ApiReply> untagAll(ApiRequest r) {
    InstanceTag tag = tagOf(r);
    if (!tag.hasValue()) {
      // orchestrator's own guard against wiping a tag from the whole fleet by mistake
      throw new ApiException("Untag: either indicate an instance or a tag value. Will not delete"
          + " on-valued tag across instances");
    }
    return remove(null, tag);
  }

  /** Details: the KEYs untagged (sorted); Message {@code <name> removed from <n> instances}. */
  private CompletionStage<ApiReply> remove(InstanceKey key, InstanceTag tag) {
    if (tag.negate()) {
      throw new ApiException("Untag: does not support negation");
    }
    return api.untag(key, tag.name(), tag.hasValue() ? tag.value() : null).thenApply(keys ->
        ApiReply.ok(tag.name() + " removed from " + keys.size() + " instances",
            ApiJson.keyList(keys)));
  }

  /** Bare array of KEYs satisfying every condition of {@code ?tag=} (§4.1). */
  private CompletionStage<ApiReply> tagged(ApiRequest r) {
    TagQuery query;
    try {
      query = TagQuery.parse(r.query("tag").orElse(""));
    } catch (IllegalArgumentException e) {
      throw new ApiException(e.getMessage());
    }
    InstanceKey only = r.param("host").isEmpty() ? null : ApiParams.instanceKey(r);
    return api.controlState().thenCompose(c -> api.snapshot().thenApply(s -> {
      List<InstanceKey> keys = query.select(c.tags(), s.instances().keySet()).stream()
          .filter(k -> only == null || k.equals(only)).toList();
      return ApiReply.json(ApiJson.keyList(keys));
    }));
  }
}
