//! ITU-T X.1366 aggregate MACs (uplink).
