//! This workstation's identity: its id (the origin of its changes), org unit, tier, epoch.

use rusqlite::{params, Connection, OptionalExtension};

use super::{Result, StoreError};
use crate::domain::org::Tier;

/// The one row of the `workstation` table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Workstation {
    /// UUIDv7 text.
    pub id: String,
    /// The org unit it serves.
    pub org_code: String,
    /// Its tier.
    pub tier: Tier,
    /// A demo or training workstation.
    pub demo: bool,
    /// Starts at 1; a restore starts a new one.
    pub epoch: i64,
    /// When it was set up.
    pub created_at: String,
}

/// Reads the workstation row, if set up.
pub fn get(conn: &Connection) -> Result<Option<Workstation>> {
    let row: Option<(String, String, String, bool, i64, String)> = conn
        .query_row(
            "SELECT id, org_code, tier, demo, epoch, created_at FROM workstation",
            [],
            |r| {
                Ok((
                    r.get(0)?,
                    r.get(1)?,
                    r.get(2)?,
                    r.get(3)?,
                    r.get(4)?,
                    r.get(5)?,
                ))
            },
        )
        .optional()?;
    row.map(|(id, org_code, tier, demo, epoch, created_at)| {
        let tier = Tier::parse(&tier).map_err(|_| StoreError::Corrupt {
            table: "workstation",
            column: "tier",
        })?;
        Ok(Workstation {
            id,
            org_code,
            tier,
            demo,
            epoch,
            created_at,
        })
    })
    .transpose()
}

/// Reads the workstation row, or refuses as not initialised.
pub fn require(conn: &Connection) -> Result<Workstation> {
    get(conn)?.ok_or(StoreError::NotInitialised)
}

/// Writes the workstation row (once, at set-up).
pub fn insert(conn: &Connection, ws: &Workstation) -> Result<()> {
    conn.execute(
        "INSERT INTO workstation (id, org_code, tier, demo, epoch, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        params![ws.id, ws.org_code, ws.tier.code(), ws.demo, ws.epoch, ws.created_at],
    )?;
    Ok(())
}
