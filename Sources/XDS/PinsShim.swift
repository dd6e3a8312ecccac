import Gateway
// Temporary until GatewayState.pins lands.
extension GatewayState { var pins: [String: UInt64] { [:] } }
