//! `uniffi-bindgen`: generates foreign-language sources from a built library (library mode).
//! It lives in the workspace so its version always matches the `uniffi` the bindings link.

fn main() {
    uniffi::uniffi_bindgen_main()
}
