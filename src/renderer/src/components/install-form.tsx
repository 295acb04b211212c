import { useId, useState, type FormEvent } from 'react';
import { usePluginActions } from '../state/plugins-client-context';

/**
 * Install (or upgrade) a plugin from a folder on this machine. The path field works in the
 * browser and in Electron alike; `pickFolder` is the seam for the desktop shell's native folder
 * picker (when the shell offers one, the page passes it and a "Choose…" button appears).
 */
export function InstallForm({ pickFolder }: { pickFolder?: () => Promise<string | null> }) {
  const [path, setPath] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  const install = usePluginActions((s) => s.install);
  const running = usePluginActions((s) => s.last?.action === 'install' && s.last.phase === 'running');
  const fieldId = useId();
  const helpId = useId();
  const errorId = useId();

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const trimmed = path.trim();
    if (trimmed === '') {
      setProblem('Enter the path of a plugin folder (the folder that holds plugin.json).');
      return;
    }
    setProblem(null);
    if (await install(trimmed)) setPath('');
  };

  return (
    <form className="install-form" onSubmit={(e) => void submit(e)} noValidate aria-label="Install a plugin">
      <div className="field field--grow">
        <label htmlFor={fieldId}>Plugin folder</label>
        <input
          id={fieldId}
          className="input input--mono"
          type="text"
          placeholder="/path/to/my-plugin"
          spellCheck={false}
          autoComplete="off"
          value={path}
          onChange={(e) => setPath(e.target.value)}
          aria-invalid={problem ? true : undefined}
          aria-describedby={problem ? `${errorId} ${helpId}` : helpId}
        />
        {problem && (
          <span id={errorId} className="field__error">
            {problem}
          </span>
        )}
        <span id={helpId} className="field__help">
          A folder with a <code>plugin.json</code> on this machine. It is checked, then copied into the data dir; a newer version of an installed plugin upgrades it.
        </span>
      </div>
      <div className="install-form__buttons">
        {pickFolder && (
          <button
            type="button"
            className="button"
            onClick={() => void pickFolder().then((p) => p !== null && setPath(p))}
            disabled={running}
          >
            Choose…
          </button>
        )}
        <button type="submit" className="button button--primary" disabled={running}>
          {running && <span className="spinner spinner--small" aria-hidden="true" />}
          {running ? 'Installing…' : 'Install'}
        </button>
      </div>
    </form>
  );
}
