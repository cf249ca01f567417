//! DS-based construction.
