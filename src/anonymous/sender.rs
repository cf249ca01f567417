//! Sender side: Authenticate, and the cache of precomputed device states.

use alloc::borrow::Cow;
use alloc::{vec, vec::Vec};
use core::fmt;

use super::*;
use crate::scheme::sorted_unique;
use crate::subset::Bloom;
use crate::wire::{VERSION, Writer};

/// Precomputed HMAC states of every enrolled device, built once from the
/// master key and the registry.
///
/// For each device it holds the SHA-256 chaining values after the inner and
/// outer padded key blocks of both its MAC key and its locator key (128
/// bytes per device, plus the id), so a locator or a tag costs exactly two
/// SHA-256 compressions instead of ten (two key derivations, two state
/// setups, one PRF). Every entry is secret and is zeroized when the cache is
/// dropped. Lookups are binary searches over the sorted ids.
#[derive(Clone)]
pub struct SenderCache {
    devices: Vec<(ReceiverId, DeviceStates)>,
}

impl SenderCache {
    /// Derive and precompute the states of every device of `registry`
    /// (eight compressions per device). Duplicate ids are refused.
    pub fn build(master: &MasterKey, registry: &[ReceiverId]) -> Result<Self> {
        let ids = sorted_unique(registry)?;
        let state = HmacState::new(master.expose_secret());
        let devices = ids
            .into_iter()
            .map(|id| (id, DeviceStates::derive(&state, id)))
            .collect();
        Ok(SenderCache { devices })
    }

    /// Number of cached devices.
    pub fn len(&self) -> usize {
        self.devices.len()
    }

    /// No device cached?
    pub fn is_empty(&self) -> bool {
        self.devices.is_empty()
    }

    /// The states of `id`, if cached.
    pub fn get(&self, id: ReceiverId) -> Option<&DeviceStates> {
        self.devices
            .binary_search_by(|(d, _)| d.cmp(&id))
            .ok()
            .and_then(|i| self.devices.get(i))
            .map(|(_, s)| s)
    }
}

impl fmt::Debug for SenderCache {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SenderCache")
            .field("devices", &self.devices.len())
            .finish_non_exhaustive()
    }
}

impl AnonSenderKey {
    fn states_cow(&self, id: ReceiverId) -> Cow<'_, DeviceStates> {
        match self.cache.as_ref().and_then(|c| c.get(id)) {
            Some(s) => Cow::Borrowed(s),
            None => Cow::Owned(DeviceStates::derive(self.master_state(), id)),
        }
    }
}

fn too_large(field: &'static str) -> Error {
    Error::TooLarge {
        field,
        max: MAX_ENTRIES as u64,
    }
}

/// The common prefix of every header: version, scheme, layout, mode, seq, r.
fn header_prefix(out: &mut [u8], layout: u8, mode: u8, seq: u64, random: &[u8; RANDOM_LEN]) {
    out[0] = VERSION;
    out[1] = scheme_id::MAC_ANONYMOUS;
    out[2] = layout;
    out[3] = mode;
    out[4..12].copy_from_slice(&seq.to_be_bytes());
    out[12..12 + RANDOM_LEN].copy_from_slice(random);
}

fn finish(base: &Sha256, header: &[u8]) -> [u8; 32] {
    let mut h = base.clone();
    h.update(header);
    h.finalize().into()
}

fn assemble(header: &[u8], body: &[u8], payload: &[u8]) -> Result<Vec<u8>> {
    let mut w = Writer::with_capacity(header.len() + body.len() + 4 + payload.len());
    w.put(header);
    w.put(body);
    w.bytes_u32("payload length", MAX_PAYLOAD_LEN, payload)?;
    Ok(w.into_vec())
}

/// Padding entries and Bloom dummies (strong padded mode): PRF outputs under
/// a key drawn fresh for each try and then dropped. They are as uniform as
/// random bytes and cost what a target's entry costs (a PRF per locator or
/// tag), so the sender's time does not depend on how many of the entries
/// are real.
struct Padding(HmacState);

impl Padding {
    fn draw<R: CryptoRng + ?Sized>(rng: &mut R) -> Self {
        let mut key = Zeroizing::new([0u8; KEY_LEN]);
        rng.fill_bytes(&mut *key);
        Padding(HmacState::new(&*key))
    }

    fn locator(&self, i: usize) -> [u8; 32] {
        self.0.mac2(b"padding locator", &(i as u64).to_be_bytes())
    }

    fn tag(&self, i: usize) -> [u8; 32] {
        self.0.mac2(b"padding tag", &(i as u64).to_be_bytes())
    }
}

/// Everything `authenticate` needs after validating the request.
struct Plan<'k> {
    seq: u64,
    mode: Mode,
    /// States of the targets, in ascending id order.
    targets: Vec<Cow<'k, DeviceStates>>,
    /// States of the registry's non-targets (empty when neither strong
    /// registry mode nor exclusion needs them).
    others: Vec<Cow<'k, DeviceStates>>,
    /// Re-draw until no non-target accepts.
    exclude: bool,
    /// Number of entries (or Bloom elements).
    count: usize,
    tries: u32,
}

pub(super) fn authenticate<R: CryptoRng + ?Sized>(
    sender: &AnonSenderKey,
    request: &Request<'_>,
    options: &AnonOptions,
    rng: &mut R,
) -> Result<Vec<u8>> {
    let checked = request.check()?;
    let (targets, registry, non_targets) = (checked.targets, checked.registry, checked.non_targets);
    let count = match options.mode {
        Mode::Weak => targets.len(),
        Mode::StrongRegistry => {
            let reg = registry.as_ref().ok_or(Error::InvalidParameter(
                "strong registry mode needs Request::registry",
            ))?;
            if targets.iter().any(|t| reg.binary_search(t).is_err()) {
                return Err(Error::InvalidParameter("target not in the registry"));
            }
            reg.len()
        }
        Mode::StrongPadded(class) => class.padded(targets.len())?,
    };
    if count > MAX_ENTRIES {
        return Err(too_large("entry count"));
    }
    let exclude = options.zero_false_positives && registry.is_some();
    let need_others = exclude || options.mode == Mode::StrongRegistry;
    let plan = Plan {
        seq: request.seq,
        mode: options.mode,
        targets: targets.iter().map(|&id| sender.states_cow(id)).collect(),
        others: if need_others {
            non_targets
                .iter()
                .map(|&id| sender.states_cow(id))
                .collect()
        } else {
            Vec::new()
        },
        exclude,
        count,
        tries: options.max_tries.max(1),
    };
    let base = payload_state(request.payload);
    match options.layout {
        Layout::Reference {
            locator_len,
            tag_len,
        } => reference(&plan, locator_len, tag_len, &base, request.payload, rng),
        Layout::Bloom(sizing) => bloom(&plan, sizing, options, &base, request.payload, rng),
    }
}

fn reference<R: CryptoRng + ?Sized>(
    plan: &Plan<'_>,
    locator_len: u8,
    tag_len: u8,
    base: &Sha256,
    payload: &[u8],
    rng: &mut R,
) -> Result<Vec<u8>> {
    if !(MIN_LOCATOR_LEN..=MAX_LOCATOR_LEN).contains(&locator_len) {
        return Err(Error::InvalidParameter("locator length outside 4..=16"));
    }
    if !(MIN_TAG_LEN..=MAX_TAG_LEN).contains(&tag_len) {
        return Err(Error::InvalidParameter("tag length outside 8..=32"));
    }
    let (l, t) = (usize::from(locator_len), usize::from(tag_len));
    let e = l + t;
    let n = plan.count;
    let count_u32 = u32::try_from(n).map_err(|_| too_large("entry count"))?;
    let mut raw = vec![0u8; n * e];
    let mut sorted = vec![0u8; n * e];
    let mut order: Vec<(u64, u32)> = Vec::with_capacity(n);
    let mut random = [0u8; RANDOM_LEN];
    let mut header = [0u8; REFERENCE_HEADER_LEN];
    let mut last = Error::ExclusionFailed { tries: plan.tries };
    for _ in 0..plan.tries {
        rng.fill_bytes(&mut random);
        header_prefix(
            &mut header,
            LAYOUT_REFERENCE,
            plan.mode.wire(),
            plan.seq,
            &random,
        );
        header[28] = locator_len;
        header[29] = tag_len;
        header[30..34].copy_from_slice(&count_u32.to_be_bytes());
        let d = finish(base, &header);

        let mut chunks = raw.chunks_exact_mut(e);
        for (st, chunk) in plan.targets.iter().zip(&mut chunks) {
            chunk[..l].copy_from_slice(&st.locator(&random)[..l]);
            chunk[l..].copy_from_slice(&st.designated_tag(&d)[..t]);
        }
        if plan.mode == Mode::StrongRegistry {
            for (st, chunk) in plan.others.iter().zip(&mut chunks) {
                chunk[..l].copy_from_slice(&st.locator(&random)[..l]);
                chunk[l..].copy_from_slice(&st.not_designated_tag(&d)[..t]);
            }
        }
        // Padding (strong padded mode): pseudorandom entries.
        if chunks.len() > 0 {
            let pad = Padding::draw(rng);
            for (i, chunk) in chunks.enumerate() {
                chunk[..l].copy_from_slice(&pad.locator(i)[..l]);
                chunk[l..].copy_from_slice(&pad.tag(i)[..t]);
            }
        }

        order.clear();
        for (i, chunk) in raw.chunks_exact(e).enumerate() {
            let mut key = [0u8; 8];
            key.copy_from_slice(&chunk[..8]);
            order.push((u64::from_be_bytes(key), i as u32));
        }
        order.sort_unstable_by(|a, b| {
            a.0.cmp(&b.0).then_with(|| {
                let (x, y) = (a.1 as usize * e, b.1 as usize * e);
                raw[x..x + e].cmp(&raw[y..y + e])
            })
        });
        for (dst, &(_, i)) in sorted.chunks_exact_mut(e).zip(order.iter()) {
            let s = i as usize * e;
            dst.copy_from_slice(&raw[s..s + e]);
        }
        if !canonical_runs(&sorted, l, e) {
            continue;
        }
        let list = EntryList {
            locator_len: l,
            tag_len: t,
            bytes: &sorted,
        };
        if plan.exclude {
            // Would a non-target accept? In the strong modes every target's
            // "not designated" entry (never written) is tested too, and
            // nothing exits early: the test then covers one unwritten entry
            // per enrolled device, so neither its outcome nor its cost
            // depends on how many are designated.
            let mut hit = false;
            for st in &plan.others {
                let loc = st.locator(&random);
                hit |= list.contains(&loc[..l], &st.designated_tag(&d)[..t]);
            }
            if plan.mode != Mode::Weak {
                for st in &plan.targets {
                    let loc = st.locator(&random);
                    hit |= list.contains(&loc[..l], &st.not_designated_tag(&d)[..t]);
                }
            }
            if hit {
                last = Error::ExclusionFailed { tries: plan.tries };
                continue;
            }
        }
        return assemble(&header, &sorted, payload);
    }
    Err(last)
}

/// Strictly ascending entries and no locator shared by more than
/// [`MAX_LOCATOR_RUN`] entries.
fn canonical_runs(sorted: &[u8], l: usize, e: usize) -> bool {
    let mut prev: Option<&[u8]> = None;
    let mut run = 0usize;
    for entry in sorted.chunks_exact(e) {
        match prev {
            Some(p) if p >= entry => return false,
            Some(p) if p[..l] == entry[..l] => run += 1,
            _ => run = 1,
        }
        if run > MAX_LOCATOR_RUN {
            return false;
        }
        prev = Some(entry);
    }
    true
}

fn bloom<R: CryptoRng + ?Sized>(
    plan: &Plan<'_>,
    sizing: BloomSizing,
    options: &AnonOptions,
    base: &Sha256,
    payload: &[u8],
    rng: &mut R,
) -> Result<Vec<u8>> {
    let params = sizing.params_for(plan.count)?;
    if params.false_positive_rate(plan.count) > options.max_acceptance.to_f64() {
        return Err(Error::InvalidParameter(
            "Bloom sizing predicts a rate above the receivers' acceptance bound",
        ));
    }
    let k = params.hashes;
    let mut filter = Bloom::new(params);
    let mut random = [0u8; RANDOM_LEN];
    let mut header = [0u8; BLOOM_HEADER_LEN];
    let mut last = Error::FilterTooDense;
    for _ in 0..plan.tries {
        rng.fill_bytes(&mut random);
        header_prefix(
            &mut header,
            LAYOUT_BLOOM,
            plan.mode.wire(),
            plan.seq,
            &random,
        );
        header[28..32].copy_from_slice(&params.bits.to_be_bytes());
        header[32] = k;
        let d = finish(base, &header);

        filter.clear();
        for st in &plan.targets {
            filter.insert(&random, &bloom_tag(&st.designated_tag(&d)))?;
        }
        let mut inserted = plan.targets.len();
        if plan.mode == Mode::StrongRegistry {
            for st in &plan.others {
                filter.insert(&random, &bloom_tag(&st.not_designated_tag(&d)))?;
            }
            inserted += plan.others.len();
        }
        // Dummies (strong padded mode): pseudorandom elements.
        if inserted < plan.count {
            let pad = Padding::draw(rng);
            for i in 0..plan.count - inserted {
                filter.insert(&random, &bloom_tag(&pad.tag(i)))?;
            }
        }

        if filter.as_ref().acceptance_bound() > options.max_acceptance {
            last = Error::FilterTooDense;
            continue;
        }
        if plan.exclude {
            // As in the reference layout: in the strong modes one element
            // that was not inserted is tested per enrolled device (the
            // targets' "not designated" tags), with no early exit, so the
            // re-draw does not bias the filter by the number of targets.
            let view = filter.as_ref();
            let mut hit = false;
            for st in &plan.others {
                hit |= view.contains(&random, &bloom_tag(&st.designated_tag(&d)))?;
            }
            if plan.mode != Mode::Weak {
                for st in &plan.targets {
                    hit |= view.contains(&random, &bloom_tag(&st.not_designated_tag(&d)))?;
                }
            }
            if hit {
                last = Error::ExclusionFailed { tries: plan.tries };
                continue;
            }
        }
        return assemble(&header, filter.as_bytes(), payload);
    }
    Err(last)
}
