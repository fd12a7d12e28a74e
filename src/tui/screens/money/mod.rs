//! 资金: the fund ledgers with their income, the neighbour-help subsidy lists, and the
//! neighbour helpers whose visits the lists pay.

pub mod funds;
pub mod helpers;
pub mod subsidies;
