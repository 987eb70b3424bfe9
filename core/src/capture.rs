//! Capture devices (采集终端): a grid worker's phone registers disputes offline, in an engine
//! of its own, and hands them to the street's engine when the signal returns.
//!
//! A case code is `{location}-{yyyymmdd}-{sequence}` (一案一编码), numbered per location and
//! day by the engine that registers the case. Two engines that cannot talk — two workers'
//! phones in one household's village, a phone and the street's centre — would both number
//! the first dispute at a household on a day `0001`, and the street's intake would refuse the
//! second as a case "here with another history". The vendor practice this replaces keeps a
//! client-generated id per mobile submission and deduplicates by it (`shared/EXCHANGE.md`,
//! "The field"); here the code itself cannot collide: the street's system issues each phone a
//! **device number** (1–99,999), carried in the world the phone's engine opens with
//! ([`crate::world::WorldData::capture_device`]), and that engine numbers its registrations in
//! the device's own block — the sequence `1DDDDDNNNN`, ten digits: a leading `1`, the device
//! (five digits) and the count at that location on that day (four). An engine without a
//! device numbers as before (`0001`, `0002` …), below every block, so the street's own codes
//! and every phone's stay apart, and a code still says where and when.
//!
//! ```
//! use fengqiao::capture::CaptureDevice;
//! let phone = CaptureDevice::new(12)?;
//! assert_eq!(phone.sequence(3)?, 1_000_120_003); // written 1000120003 in the code
//! assert_eq!(CaptureDevice::of_sequence(1_000_120_003), Some(phone));
//! assert_eq!(CaptureDevice::of_sequence(3), None); // a street's own numbering
//! assert!(CaptureDevice::new(0).is_err());
//! # Ok::<(), fengqiao::capture::CaptureError>(())
//! ```

/// Why a device number or a device's code cannot be had (the engine reports either as
/// `invalid_input`, naming the argument).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CaptureError {
    /// A device number outside 1 to 99,999.
    #[error(
        "capture_device {value} is not a device number: 1 to 99999, issued by the street's system"
    )]
    BadDevice {
        /// The number given.
        value: u64,
    },
    /// The device has coded its most registrations at one location on one day.
    #[error("capture device {device} has registered 9999 disputes at this location today, all its block's codes: sync, and have the street register further ones")]
    BlockFull {
        /// The device.
        device: u32,
    },
}

/// How far apart, in natural days, two registrations of one matter are looked for
/// ([`crate::engine::Reader::possible_duplicates`]): a month, the county's screening cycle
/// (月排查); a household's same quarrel a month later is a new case (a 回访 finds it again).
pub const SAME_MATTER_DAYS: i64 = 30;

/// The sequence of the first code in the device blocks: every device's codes are at or above
/// it, an engine's own numbering below it (it would need a billion registrations at one
/// location on one day to reach it).
const BLOCKS_START: u64 = 1_000_000_000;

/// A capture device's number, issued by the street's system: 1 to [`CaptureDevice::MAX`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct CaptureDevice(u32);

impl CaptureDevice {
    /// The highest device number: five digits in the code.
    pub const MAX: u32 = 99_999;

    /// The most registrations a device codes at one location on one day: four digits in the
    /// code. More at one household in a day is not field capture; the street registers them.
    pub const PER_LOCATION_DAY: u32 = 9_999;

    /// The device numbered `n`; `invalid_input` naming `capture_device` unless 1 ≤ n ≤ 99,999.
    pub fn new(n: u64) -> Result<CaptureDevice, CaptureError> {
        match u32::try_from(n) {
            Ok(d) if (1..=Self::MAX).contains(&d) => Ok(CaptureDevice(d)),
            _ => Err(CaptureError::BadDevice { value: n }),
        }
    }

    /// The number.
    pub fn get(self) -> u32 {
        self.0
    }

    /// The sequence of the device's `n`-th registration at a location on a day (n from 1);
    /// `invalid_input` past [`CaptureDevice::PER_LOCATION_DAY`].
    pub fn sequence(self, n: u32) -> Result<u32, CaptureError> {
        if n == 0 || n > Self::PER_LOCATION_DAY {
            return Err(CaptureError::BlockFull { device: self.0 });
        }
        // ≤ 1,999,999,999: within u32.
        Ok((BLOCKS_START + u64::from(self.0) * 10_000 + u64::from(n)) as u32)
    }

    /// The device whose block a code's sequence is in; `None` for an engine's own numbering
    /// (below the blocks) and for a sequence no device makes.
    pub fn of_sequence(seq: u64) -> Option<CaptureDevice> {
        let d = seq.checked_sub(BLOCKS_START)? / 10_000;
        let n = seq % 10_000;
        (n != 0 && (1..=u64::from(Self::MAX)).contains(&d)).then_some(CaptureDevice(d as u32))
    }
}
