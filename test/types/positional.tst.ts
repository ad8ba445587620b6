/**
 * With experimentalDecorators (./tsconfig.json) the parameters' design types say what each receives
 * (emitDecoratorMetadata), so the decorators accept any parameters there; standard/positional.tst.ts
 * checks the stricter types of standard decorators, where nothing but the position can.
 */
import { expect, test } from 'tstyche';
import { OnClose, OnConnect, OnMessage, Param, type Connector } from 'switchboard';

test('the message first, or a path parameter first, compiles: the metadata or the parameter decorator tells', () => {
  expect(() => {
    class Echo {
      @OnMessage()
      message(text: string) {
        return text;
      }
      @OnConnect()
      connect(@Param('id') id: string) {
        return id;
      }
      @OnClose()
      close(code: number, _ws: Connector) {
        return code;
      }
    }
    return Echo;
  }).type.not.toRaiseError();
});
