// The piscina baseline's task: echo.
export default function echo(payload) {
  return payload;
}
