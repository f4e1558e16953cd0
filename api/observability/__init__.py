"""Operations: metrics, logs that carry the request id, tracing, and their wiring."""
