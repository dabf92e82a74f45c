//! Webhook processing: deliveries are stored in `webhook_event` by the HTTP
//! handlers, then processed here, outside the request, one module per source.

pub mod killbill;
