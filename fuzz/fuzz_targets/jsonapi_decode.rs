//! Fuzzes JSON:API decoding and relationship resolution: arbitrary bytes as a response body must
//! give a model or a typed error, never a panic, a hang or unbounded recursion. Differential too:
//! the table-driven decoder (`bigcartel::dynamic`, the npm package's) must accept exactly what the
//! typed models accept and give exactly their JSON.
#![no_main]

use bigcartel::dynamic;
use bigcartel::jsonapi::{DecodeError, Model, decode_errors, decode_list, decode_one};
use bigcartel::models::{Account, Discount, Order, Product};
use libfuzzer_sys::fuzz_target;
use std::mem::discriminant;

fn same_one<T: Model + serde::Serialize>(data: &[u8]) {
    let model = dynamic::model(T::TYPE).expect("every model is in the table");
    match (decode_one::<T>(data), dynamic::decode_one(model, data)) {
        (Ok(t), Ok(d)) => assert_eq!(serde_json::to_string(&t).unwrap(), d),
        (Err(a), Err(b)) => same_error(&a, &b),
        (t, d) => panic!("typed {:?} but dynamic {:?}", t.is_ok(), d.is_ok()),
    }
}

fn same_list<T: Model + serde::Serialize>(data: &[u8]) {
    let model = dynamic::model(T::TYPE).expect("every model is in the table");
    match (decode_list::<T>(data), dynamic::decode_list(model, data)) {
        (Ok(t), Ok(d)) => {
            let typed = t.map_items(|i| serde_json::to_string(&i).unwrap());
            assert_eq!(typed, d);
        }
        (Err(a), Err(b)) => same_error(&a, &b),
        (t, d) => panic!("typed {:?} but dynamic {:?}", t.is_ok(), d.is_ok()),
    }
}

fn same_error(a: &DecodeError, b: &DecodeError) {
    assert_eq!(discriminant(a), discriminant(b), "typed {a} / dynamic {b}");
}

fuzz_target!(|data: &[u8]| {
    same_list::<Order>(data);
    same_list::<Product>(data);
    same_one::<Product>(data);
    same_one::<Account>(data);
    same_one::<Discount>(data);
    let _ = decode_errors(data);
});
