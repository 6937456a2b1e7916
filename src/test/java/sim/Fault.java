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
  MALFORMED,
  /** sends the first half of a query's answer, then nothing more, the connection kept open */
  HANG_MID_RESULT,
  /**
   * answers the replica listing (SHOW SLAVE HOSTS, or the processlist's dump threads) with rows
   * that never end, {@link SimServer#hugeRowBytes} each, as fast as the client reads them; the
   * simulator holds one chunk of them at a time
   */
  HUGE_RESULT,
  /** answers a query with a packet header announcing 16 MB, then a few bytes and nothing more */
  BAD_LENGTH,
  /** answers a query with a result set of 16 million columns, then nothing more */
  HUGE_COLUMN_COUNT,
  /** answers queries with the right packets but wrong sequence ids (all 1) */
  WRONG_SEQUENCE,
  /** greets with a packet that is not protocol 10: a complete packet of garbage */
  HANDSHAKE_GARBAGE,
  /** greets with a protocol 10 packet cut short after the connection id (header and body agree) */
  HANDSHAKE_TRUNCATED,
  /** refuses every login with ER_ACCESS_DENIED_ERROR (1045) */
  AUTH_ERROR
}
