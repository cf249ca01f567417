//! A firmware-shaped consumer of the receiver side: no `std`, no allocator.
#![no_std]

use ba_iot::signed::{Ds, DsReceiverKey, Ed25519};
use ba_iot::{BroadcastAuth, ReceiverId, ReplayWindow};

/// Verify `msg` for receiver `id` under the 32-byte public key `vk`, once per
/// sequence number; returns the payload length, or -1.
pub fn verify(vk: &[u8; 32], id: u64, msg: &[u8], window: &mut ReplayWindow<2>) -> i64 {
    let Ok(vk) = ed25519_dalek_key(vk) else {
        return -1;
    };
    let key = DsReceiverKey::<Ed25519>::new(ReceiverId(id), vk);
    match Ds::<Ed25519>::verify_fresh(&key, window, msg) {
        Ok(v) => v.payload.len() as i64,
        Err(_) => -1,
    }
}

fn ed25519_dalek_key(
    bytes: &[u8; 32],
) -> Result<<Ed25519 as ba_iot::signed::SignatureBackend>::VerifyingKey, ()> {
    <Ed25519 as ba_iot::signed::SignatureBackend>::VerifyingKey::from_bytes(bytes).map_err(|_| ())
}

#[panic_handler]
fn panic(_: &core::panic::PanicInfo<'_>) -> ! {
    loop {}
}
