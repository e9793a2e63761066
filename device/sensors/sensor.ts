/**
 * A temperature probe. `read()` gives degrees Celsius or throws a SensorFaultError
 * saying what is wrong; the bread monitor decides how often to ask.
 */
export interface TemperatureSensor {
  /** For logs and fault messages: `DS18B20 28-0316a2797aff`, `TMP36 on esp32 pin A0`. */
  readonly name: string;
  start(): Promise<void>;
  stop(): Promise<void>;
  read(): Promise<number>;
}
