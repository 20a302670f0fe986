// Side-effect import: from here on `require('vscode')` answers the fake (import this first in a glue test).
import { installVscodeFake } from './vscode';

installVscodeFake();
