//! What the store's test files share: a throw-away server with the schema migrated, a
//! small synthetic county, a time.

#![allow(dead_code)]

use chrono::{TimeZone, Utc};
use fengqiao::engine::{Engine, WorldData};
use fengqiao_store::cluster::Cluster;
use fengqiao_store::Store;
use fengqiao_synth::{world_data, Places, Spec};

pub fn at(y: i32, m: u32, d: u32) -> chrono::DateTime<Utc> {
    Utc.with_ymd_and_hms(y, m, d, 1, 0, 0).unwrap()
}

pub fn server() -> (Cluster, Store) {
    let cluster = Cluster::start(&[("fsync", "off")]).expect("a throw-away PostgreSQL server");
    let mut store = Store::connect(&cluster.params()).unwrap();
    store.migrate().unwrap();
    (cluster, store)
}

pub fn small(county_code: &str) -> (WorldData, Places, Engine) {
    let spec = Spec {
        county: format!("{county_code}000000"),
        ..Spec::small()
    };
    let (world, places) = world_data(&spec).unwrap();
    let engine = Engine::from_world(world.clone()).unwrap();
    (world, places, engine)
}
