package sim;

/** What a simulated server does wrong; {@link #NONE} is a healthy server. */
public enum Fault {
  NONE,
  /** not listening, open connections reset: a firewall rejecting the port (the model stays up) */
  REFUSE,
  /** accepts connections and never says anything, not even the greeting */
  SILENT,
  /** answers every command only after {@link SimServer#slowMillis} */
  SLOW,
  /** sends the first half of a query's answer, then closes the connection */
  DROP_MID_RESULT,
  /** answers queries with a packet that is not MySQL protocol */
  MALFORMED
}
