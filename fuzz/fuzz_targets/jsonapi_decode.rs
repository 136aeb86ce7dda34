//! Fuzzes JSON:API decoding and relationship resolution: arbitrary bytes as a response body must
//! give a model or a typed error, never a panic, a hang or unbounded recursion.
#![no_main]

use bigcartel::jsonapi::{decode_errors, decode_list, decode_one};
use bigcartel::models::{Account, Discount, Order, Product};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = decode_list::<Order>(data);
    let _ = decode_list::<Product>(data);
    let _ = decode_one::<Product>(data);
    let _ = decode_one::<Account>(data);
    let _ = decode_one::<Discount>(data);
    let _ = decode_errors(data);
});
