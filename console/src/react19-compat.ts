import { unstableSetRender } from 'antd';
import { createRoot, type Root } from 'react-dom/client';

type ContainerWithRoot = (Element | DocumentFragment) & { consoleReactRoot?: Root };

/**
 * antd 5 renders a few detached pieces (the button click wave, static dialogs) with the
 * React 18 legacy API, which React 19 removed; give it a createRoot-based renderer instead.
 */
export function installAntdReact19Renderer(): void {
  unstableSetRender((node, container: ContainerWithRoot) => {
    container.consoleReactRoot ??= createRoot(container);
    const root = container.consoleReactRoot;
    root.render(node);
    return async () => {
      await new Promise((resolve) => window.setTimeout(resolve, 0));
      root.unmount();
      delete container.consoleReactRoot;
    };
  });
}
