package orcha;

/**
 * Marker for messages and events serialized with Jackson CBOR (see serialization.conf): every
 * persisted event and every message that may cross nodes implements it.
 */
public interface CborSerializable {}
