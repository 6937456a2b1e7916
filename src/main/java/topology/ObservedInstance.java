package topology;

/**
 * What a node knows of one server it probes: the last successful observation (null while the
 * server has never been reached) and its liveness.
 */
public record ObservedInstance(InstanceKey key, Instance instance, Liveness liveness) {

  public ObservedInstance {
    if (key == null || liveness == null) {
      throw new IllegalArgumentException("key and liveness are required");
    }
    if (instance != null && !instance.key().equals(key)) {
      throw new IllegalArgumentException("instance " + instance.key() + " observed as " + key);
    }
  }

  public boolean everReached() {
    return instance != null;
  }
}
