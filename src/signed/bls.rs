//! BLS12-381 backend.
