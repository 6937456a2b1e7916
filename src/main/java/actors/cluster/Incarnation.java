package actors.cluster;

import orcha.CborSerializable;

/**
 * A leader's incarnation: a counter claimed from a majority of nodes, with the node that
 * claimed it to break ties. Totally ordered; a node acknowledges fences only for incarnations
 * not older than the newest it has seen, so two leaders can never both hold a majority's fence.
 */
public record Incarnation(long counter, String node) implements Comparable<Incarnation>,
    CborSerializable {

  public static final Incarnation NONE = new Incarnation(0, "");

  public Incarnation {
    node = node == null ? "" : node;
  }

  @Override
  public int compareTo(Incarnation o) {
    int c = Long.compare(counter, o.counter);
    return c != 0 ? c : node.compareTo(o.node);
  }

  public boolean olderThan(Incarnation o) {
    return compareTo(o) < 0;
  }

  @Override
  public String toString() {
    return counter + "@" + node;
  }
}
