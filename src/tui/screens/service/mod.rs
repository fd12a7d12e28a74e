//! 四、温情服务: a provider registers a card and records services.

pub mod service_form;
